// Lint rules, including the import boundaries of docs/architecture.md.
// A boundary violation fails `npm test`, so the layering cannot rot quietly.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { builtinModules } from "node:module";

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** A restriction: files matching `files` may not import anything matching one of `regexes`. */
function boundary(files, regexes, message) {
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: regexes.map((regex) => ({ regex, message })) },
      ],
    },
  };
}

const layer = (...names) => `(^|/)(${names.join("|")})(/|$)`;

export default tseslint.config(
  { ignores: ["dist/**", "web/dist/**", "node_modules/**", "coverage/**", "data/**", ".tmp/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Only src/config reads the environment." },
      ],
    },
  },
  {
    files: ["src/config/**", "test/**", "bench/**", "scripts/**", "bin/**", "vitest.config.ts", "eslint.config.js", "web/**"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    // Tests read arbitrary JSON answers; typing every one would test the types, not the server.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // The core is pure: no I/O, no clock, no other layer, no Node built-ins.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: nodeBuiltins.map((name) => ({ name, message: "src/core is pure: no Node built-ins." })),
          patterns: [
            { regex: layer("store", "app", "misp", "http", "cli", "jobs", "mail", "config", "plugins"), message: "src/core imports nothing else from src/." },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "src/core never reads the clock: take `now` as an argument." },
        { object: "Math", property: "random", message: "src/core is deterministic." },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "src/core never reads the clock." },
        { selector: "MemberExpression[object.name='process']", message: "src/core does not touch the process." },
      ],
    },
  },
  boundary(["src/store/**/*.ts"], [layer("app", "misp", "http", "cli", "jobs", "mail", "config")], "src/store imports only src/core."),
  boundary(
    ["src/app/**/*.ts"],
    [layer("http", "cli", "jobs", "config"), "(^|/)store/(?!store\\.js$)", "^(kysely|better-sqlite3|pg)$"],
    "src/app uses the store only through the ports in store/store.ts.",
  ),
  boundary(["src/misp/**/*.ts"], [layer("store", "app", "http", "cli", "jobs", "mail", "config")], "src/misp imports only src/core."),
  boundary(["src/mail/**/*.ts"], [layer("store", "http", "cli", "jobs", "config")], "src/mail imports only src/core and src/app types."),
  boundary(
    ["src/http/**/*.ts"],
    [layer("cli", "jobs", "config"), "(^|/)store/(?!store\\.js$)", "^(kysely|better-sqlite3|pg)$"],
    "src/http talks to use-cases, not to the store or other edges.",
  ),
  boundary(
    ["src/cli/**/*.ts"],
    [layer("http", "jobs", "config"), "(^|/)store/(?!store\\.js$)", "^(kysely|better-sqlite3|pg)$"],
    "src/cli talks to use-cases, not to the store or other edges.",
  ),
  boundary(
    ["src/jobs/**/*.ts"],
    [layer("http", "cli", "config"), "(^|/)store/(?!store\\.js$)", "^(kysely|better-sqlite3|pg)$"],
    "src/jobs talks to use-cases, not to the store or other edges.",
  ),
  {
    // The web UI runs in the browser and talks to the server over HTTP only. It may bundle the pure
    // scoring core, so that the UI computes base scores and curves exactly as the server does.
    files: ["web/src/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: nodeBuiltins.map((name) => ({ name, message: "web/ runs in the browser: no Node built-ins." })),
          patterns: [{ regex: "(^|/)src/(?!core/)", message: "web/ talks to the server over HTTP; of src/ it may import only the pure core." }],
        },
      ],
    },
  },
  boundary(["src/config/**/*.ts"], [layer("store", "app", "misp", "http", "cli", "jobs", "mail")], "src/config stands alone."),
);
