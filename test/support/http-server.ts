// Real HTTP(S) servers on 127.0.0.1 for client tests: each test says how the server answers, and
// the server records every request it got (method, path, headers, body).
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. "/events/view/12". */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: unknown;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface TestHttpServer {
  /** "http://127.0.0.1:PORT" (or https), without a trailing slash. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted so far (to see keep-alive at work). */
  connections(): number;
  close(): Promise<void>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** MISP's error body for a path: `{name, message, url}` with the same text twice, as CakePHP sends it. */
export function mispError(response: ServerResponse, status: number, message: string, url: string): void {
  sendJson(response, status, { name: message, message, url });
}

export async function startHttpServer(handler: Handler, options: { tls?: { key: string; cert: string } } = {}): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  let connections = 0;
  const listener = (incoming: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = body === "" ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const request: RecordedRequest = { method: incoming.method ?? "", path: incoming.url ?? "", headers: incoming.headers, body, json };
      requests.push(request);
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { name: "test server error", message: String(error), url: request.path });
      });
    });
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
