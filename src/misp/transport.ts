/**
 * The HTTP side of the MISP client: one request, MISP style (raw key in `Authorization`, JSON
 * both ways), with a time limit per attempt, retries with back-off where it is safe, and every
 * failure turned into one typed `MispClientError` with a one-line message that names the call
 * and never the key.
 *
 * It uses undici's own `fetch` with an undici `Agent` (keep-alive, a connection limit, and
 * optional skipping of TLS verification). Node's global fetch is undici too, but a different copy
 * whose version follows the Node release; handing it an Agent from another copy works on some
 * Node versions and not others, so the fetch and the Agent come from the same package here.
 */
import { Agent, fetch } from "undici";
import { HalflifeError } from "../core/errors.js";
import { MispClientError, clip, codeForStatus, mispErrorBody } from "./client-errors.js";
import { backoffDelay, classifyNetworkCode, isRetryableStatus, parseRetryAfter, sleep, type RetryPolicy } from "./retry.js";

export interface TransportOptions {
  /** The MISP root, e.g. "https://misp.example.org" or "https://example.org/misp/". */
  baseUrl: string;
  /** The API key, sent as is in `Authorization`. */
  key: string;
  /** Skip TLS certificate verification (a test MISP with a self-signed certificate). */
  insecure?: boolean;
  /** Time limit of one attempt, headers and body together (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt, for calls that may be retried (default 3). */
  retries?: number;
  /** First back-off delay (default 500 ms); doubles on each retry. */
  retryBaseMs?: number;
  /** Longest back-off delay (default 10 s). */
  retryMaxMs?: number;
  /** Sockets kept open to the server at most (default 8). */
  connections?: number;
  userAgent?: string;
  /** Jitter source, for tests; Math.random by default. */
  random?: () => number;
}

export interface RequestOptions {
  /**
   * May this call be sent again after a timeout, a 5xx or a broken connection? Defaults to true
   * for GET and HEAD only. A request that certainly never reached the server (connection
   * refused) is retried in any case.
   */
  retry?: boolean;
}

/** A successful call: the parsed JSON (null for an empty body), its status, and the attempts it took. */
export interface Exchange {
  json: unknown;
  status: number;
  attempts: number;
}

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";

type Outcome =
  | { kind: "answer"; status: number; text: string; retryAfterMs: number | undefined; location: string | null }
  | { kind: "timeout" }
  | { kind: "network"; code: string };

function refuse(field: string, reason: string): HalflifeError {
  return new HalflifeError("INVALID_INPUT", `${field} ${reason}`, { field });
}

function positiveInteger(value: number | undefined, fallback: number, field: string, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw refuse(field, `must be a whole number of at least ${min}, got ${value}`);
  return value;
}

export class MispTransport {
  /** Root URL with exactly one trailing slash; paths are appended to it. */
  readonly root: string;
  /** The root as it may be shown in messages. */
  readonly label: string;
  readonly #key: string;
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #userAgent: string;

  constructor(options: TransportOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw refuse("baseUrl", "is not a URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse("baseUrl", "must start with http:// or https://");
    if (url.username !== "" || url.password !== "") throw refuse("baseUrl", "must not hold a user name or password; the key authenticates");
    if (url.search !== "" || url.hash !== "") throw refuse("baseUrl", "must not have a query or a fragment");
    // With or without a trailing slash, "https://h/misp" and "https://h/misp/" mean the same root
    // (PyMISP's urljoin would drop "misp" from the first).
    this.root = `${url.origin}${url.pathname.replace(/\/+$/, "")}/`;
    this.label = this.root;
    if (typeof options.key !== "string" || options.key.trim() === "") throw refuse("key", "is required");
    if (/[\r\n\0]/.test(options.key)) throw refuse("key", "must be a single line");
    this.#key = options.key.trim();
    this.#timeoutMs = positiveInteger(options.timeoutMs, 30_000, "timeoutMs");
    this.#policy = {
      retries: positiveInteger(options.retries, 3, "retries", 0),
      baseDelayMs: positiveInteger(options.retryBaseMs, 500, "retryBaseMs", 0),
      maxDelayMs: positiveInteger(options.retryMaxMs, 10_000, "retryMaxMs", 0),
      random: options.random ?? Math.random,
    };
    this.#userAgent = options.userAgent ?? "Halflife MISP client";
    this.#agent = new Agent({
      connections: positiveInteger(options.connections, 8, "connections"),
      keepAliveTimeout: 30_000,
      connect: { rejectUnauthorized: options.insecure !== true },
    });
  }

  /**
   * Sends one request and returns the parsed JSON of a 2xx answer (null for an empty body).
   *
   * @throws MispClientError with the status's code for a 4xx, UPSTREAM for the rest.
   */
  async request(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}): Promise<unknown> {
    return (await this.exchange(method, path, body, options)).json;
  }

  /** As `request`, with the status of the answer and the number of attempts it took. */
  async exchange(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}): Promise<Exchange> {
    const relative = path.replace(/^\/+/, "");
    const call = `${method} ${relative}`;
    const mayRetry = options.retry ?? (method === "GET" || method === "HEAD");
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(method, this.root + relative, payload);
      const retriesLeft = attempt <= this.#policy.retries;
      if (outcome.kind === "answer" && outcome.status < 300) {
        return { json: this.#parse(outcome.text, call, outcome.status, attempt), status: outcome.status, attempts: attempt };
      }
      if (outcome.kind === "answer" && outcome.status < 500 && !isRetryableStatus(outcome.status)) {
        if (outcome.status >= 300 && outcome.status < 400) throw this.#redirected(call, outcome.status, outcome.location, attempt);
        throw this.#rejected(call, outcome.status, outcome.text, attempt);
      }
      const retryable =
        outcome.kind === "network"
          ? classifyNetworkCode(outcome.code) === "never-sent" || (mayRetry && classifyNetworkCode(outcome.code) === "broken")
          : mayRetry;
      if (!retryable || !retriesLeft) throw this.#failed(call, outcome, attempt);
      await sleep(backoffDelay(attempt, this.#policy, outcome.kind === "answer" ? outcome.retryAfterMs : undefined));
    }
  }

  /** Closes the kept-alive connections; the client cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #attempt(method: HttpMethod, url: string, payload: string | undefined): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    try {
      const response = await fetch(url, {
        method,
        dispatcher: this.#agent,
        signal: controller.signal,
        redirect: "manual",
        headers: {
          Authorization: this.#key,
          Accept: "application/json",
          "Content-Type": "application/json",
          "User-Agent": this.#userAgent,
        },
        ...(payload === undefined ? {} : { body: payload }),
      });
      // The time limit covers the body too: a server that sends headers and then stalls is as
      // stuck as one that never answers.
      const text = await response.text();
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
      return { kind: "answer", status: response.status, text, retryAfterMs, location: response.headers.get("location") };
    } catch (error) {
      if (timedOut) return { kind: "timeout" };
      return { kind: "network", code: networkCode(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  #parse(text: string, call: string, status: number, attempts: number): unknown {
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MispClientError("UPSTREAM", this.failureLine(call, `answered HTTP ${status} with something that is not JSON`), { call, status, attempts });
    }
  }

  // Redirects are not followed: a POST would turn into a GET of a login page, and the key would
  // travel to wherever the redirect points. The message says where it pointed instead.
  #redirected(call: string, status: number, location: string | null, attempts: number): MispClientError {
    let target = "";
    try {
      if (location) {
        const url = new URL(location, this.root);
        target = ` to ${url.origin}${url.pathname}`;
      }
    } catch {
      target = "";
    }
    const why = `HTTP ${status} redirect${target}; check the base URL (http or https, path)`;
    return new MispClientError("UPSTREAM", this.failureLine(call, why), { call, status, attempts });
  }

  #rejected(call: string, status: number, text: string, attempts: number): MispClientError {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const misp = mispErrorBody(json);
    const detail = misp?.message ?? misp?.name;
    const why = `HTTP ${status}${detail ? ` ${clip(detail)}` : ""}`;
    return new MispClientError(codeForStatus(status), this.failureLine(call, why), { call, status, attempts, ...(misp ? { misp } : {}) });
  }

  #failed(call: string, outcome: Outcome, attempts: number): MispClientError {
    let why: string;
    let status: number | null = null;
    let misp;
    if (outcome.kind === "timeout") why = `no answer within ${this.#timeoutMs} ms`;
    else if (outcome.kind === "network") why = describeNetworkCode(outcome.code);
    else {
      status = outcome.status;
      misp = mispErrorBody(safeJson(outcome.text));
      const detail = misp?.message ?? misp?.name;
      why = `HTTP ${status}${detail ? ` ${clip(detail)}` : ""}`;
    }
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    return new MispClientError("UPSTREAM", this.failureLine(call, why, tries), { call, status, attempts, ...(misp ? { misp } : {}) });
  }

  /**
   * The one-line message of a failed call, "MISP https://h/: POST attributes/edit/1 failed after
   * 2 attempts: why", with the key masked wherever a server may have echoed it.
   */
  failureLine(call: string, why: string, tries = ""): string {
    const line = `MISP ${this.label}: ${call} failed${tries}: ${why}`;
    return line.split(this.#key).join("***");
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The system or TLS code behind a failed fetch ("ECONNREFUSED", "DEPTH_ZERO_SELF_SIGNED_CERT"). */
function networkCode(error: unknown): string {
  // fetch rejects with a TypeError whose `cause` is the socket's or TLS layer's error; a cause
  // may itself wrap another (AggregateError for several addresses).
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const facts = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof facts.code === "string") return facts.code;
    if (Array.isArray(facts.errors) && facts.errors.length > 0) current = facts.errors[0];
    else current = facts.cause;
  }
  return "UNKNOWN";
}

function describeNetworkCode(code: string): string {
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (ECONNREFUSED)";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `the connection was closed before a complete answer (${code})`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host name could not be resolved (${code})`;
    case "UND_ERR_CONNECT_TIMEOUT":
      return "could not connect in time (UND_ERR_CONNECT_TIMEOUT)";
    default:
      return classifyNetworkCode(code) === "certificate"
        ? `the server's TLS certificate was refused (${code}); only a test server should be used with insecure`
        : `network error (${code})`;
  }
}
