/**
 * Reads the configuration once: a JSON file (when `--config` names one), then the environment on
 * top, then command-line flags on top of that. An invalid value stops start-up with one sentence
 * that names the setting the way the user gave it (the flag, the variable, or the variable in the
 * file) and the value it got.
 */
import { readFileSync } from "node:fs";
import { configSchema, CONFIG_KEYS, CONFIG_RULES, type Config, type ConfigKey } from "./schema.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface LoadConfigOptions {
  /** A JSON file of settings (`--config`). */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over the environment and the file. */
  overrides?: Partial<Record<string, unknown>>;
  /** The flag each override came from (`--port`), so that an error names what the user typed. */
  flags?: Partial<Record<string, string>>;
}

type Source = { kind: "default" } | { kind: "file" } | { kind: "env" } | { kind: "flag"; flag: string };

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const merged: Record<string, unknown> = {};
  const sources = new Map<string, Source>();

  if (options.file) {
    for (const [key, value] of Object.entries(readConfigFile(options.file))) {
      merged[key] = value;
      sources.set(key, { kind: "file" });
    }
  }
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== "") {
      merged[key] = value;
      sources.set(key, { kind: "env" });
    }
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    merged[key] = value;
    sources.set(key, { kind: "flag", flag: options.flags?.[key] ?? key });
  }

  const nameOf = (key: ConfigKey): string => {
    const source = sources.get(key) ?? { kind: "default" };
    return source.kind === "flag" ? source.flag : source.kind === "file" ? `${key} in ${options.file}` : key;
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]!.path[0]) as ConfigKey;
    const rule = CONFIG_RULES[key] ?? parsed.error.issues[0]!.message;
    throw new ConfigError(`${nameOf(key)} ${rule}, got ${JSON.stringify(shown(merged[key]))}`);
  }
  const config = Object.freeze(parsed.data);
  origins.set(config, { name: nameOf, given: (key) => sources.has(key) });
  return config;
}

const origins = new WeakMap<Config, { name(key: ConfigKey): string; given(key: ConfigKey): boolean }>();

/**
 * How the user gave a setting, for messages about its value that only show later (a missing
 * folder, a port in use): the flag, the variable, or the variable in the config file.
 */
export function settingName(config: Config, key: ConfigKey): string {
  return origins.get(config)?.name(key) ?? key;
}

/** Whether a setting was given at all (a flag, the environment or the file), or is its default. */
export function settingGiven(config: Config, key: ConfigKey): boolean {
  return origins.get(config)?.given(key) ?? true;
}

/** How a bad value is echoed: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "there is no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (code ?? String(error));
    throw new ConfigError(`--config ${file} cannot be read: ${why}`);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    throw new ConfigError(`--config ${file} is not valid JSON`);
  }
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    throw new ConfigError(`--config ${file} must hold a JSON object of settings, such as {"HALFLIFE_PORT": 8080}`);
  }
  const unknown = Object.keys(content).filter((key) => !(CONFIG_KEYS as string[]).includes(key));
  if (unknown.length > 0) throw new ConfigError(`--config ${file} names unknown settings: ${unknown.join(", ")}`);
  return content as Record<string, unknown>;
}
