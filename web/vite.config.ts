// The web UI's build: static files in web/dist that `halflife serve` serves at /. `npm run dev:web`
// serves the sources with live reload and forwards API calls to a local `halflife serve`.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const api = process.env.HALFLIFE_DEV_API ?? "http://127.0.0.1:8080";
const API_PREFIXES = ["/halflife", "/decayingModel", "/decayingModelMapping", "/events", "/attributes", "/sightings", "/taxonomies", "/tags", "/users", "/servers"];

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  // The UI imports the pure scoring core from ../src/core, so the UI and the API compute alike.
  server: {
    fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] },
    proxy: Object.fromEntries(
      API_PREFIXES.map((prefix) => [
        prefix,
        {
          target: api,
          // Page addresses such as /events/12 belong to the UI when a browser asks for HTML.
          bypass: (request: { headers: { accept?: string }; url?: string }) => (request.headers.accept?.includes("text/html") ? request.url : undefined),
        },
      ]),
    ),
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 400,
  },
});
