/**
 * The web UI's built files, for paths that no API route claims. The UI routes in the browser, so a
 * page address such as /models/12 has no file: a browser asking for HTML there gets index.html,
 * while an API client asking for JSON still gets MISP's JSON 404.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Context } from "hono";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

// The UI loads nothing from elsewhere, and no other site may frame it (clickjacking).
const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Halflife</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>The web UI is not built yet</h1>
<p>The API works; the pages need building once. In the Halflife directory, run <code>npm run build</code>
(or <code>npm ci</code>, which builds them), then reload this page.</p>
</body></html>`;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function wantsHtml(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("text/html");
}

export interface StaticFiles {
  (c: Context): Promise<Response | null>;
  /** Whether the directory holds a built UI (index.html). */
  built(): Promise<boolean>;
}

/** Serves `root` (the UI's build output) with a fallback to its index.html for page addresses. */
export function staticFiles(root: string): StaticFiles {
  const base = path.resolve(root);
  const index = path.join(base, "index.html");

  const respond = (body: string | Uint8Array, type: string, cache: string, status = 200) =>
    new Response(body, { status, headers: { "Content-Type": type, "Cache-Control": cache, ...SECURITY_HEADERS } });

  async function page(): Promise<Response> {
    if (!(await isFile(index))) return respond(NOT_BUILT, CONTENT_TYPES[".html"]!, "no-store", 503);
    return respond(await readFile(index), CONTENT_TYPES[".html"]!, "no-cache");
  }

  const serve = async (c: Context): Promise<Response | null> => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return null;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return null;
    }
    if (pathname.includes("\0")) return null;
    const file = path.resolve(base, `.${pathname}`);
    // Never outside the build directory, whatever the path says.
    if (file !== base && !file.startsWith(base + path.sep)) return null;
    if (pathname !== "/" && (await isFile(file))) {
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
      // Vite names built assets by content hash, so they never change under the same name.
      const cache = pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
      return respond(await readFile(file), type, cache);
    }
    // A page address: no extension, asked for by a browser.
    if (path.extname(pathname) === "" && (pathname === "/" || wantsHtml(c))) return page();
    return null;
  };
  return Object.assign(serve, { built: () => isFile(index) });
}
