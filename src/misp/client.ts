/**
 * A typed client for MISP's REST API (and for Halflife's MISP-compatible one): the calls the
 * remote sweep and the end-to-end tests make, with MISP's paths and body shapes, and answers
 * unwrapped from MISP's envelopes (`{"Event": …}`, `{"response": {"Attribute": […]}}`).
 *
 *   const misp = new MispClient({ baseUrl: "https://misp.example.org", key, insecure: false });
 *   const { version } = await misp.getVersion();
 *   for await (const page of misp.pageAttributes({ to_ids: 1, includeSightings: 1 }, { pageSize: 500 })) { … }
 *   await misp.close();
 *
 * Transport, time limits, retries and errors are in transport.ts; every failure is a
 * MispClientError (a HalflifeError).
 */
import { invalidInput } from "../core/errors.js";
import { MispClientError, clip } from "./client-errors.js";
import { MispTransport, type Exchange, type HttpMethod, type RequestOptions, type TransportOptions } from "./transport.js";
import type {
  AttributeSearchFilters,
  MispAttribute,
  MispEvent,
  MispId,
  MispSaveResult,
  MispSighting,
  MispVersion,
  MispWhoAmI,
  NewMispEvent,
  NewMispSighting,
} from "./wire.js";

export type MispClientOptions = TransportOptions;
export { MispClientError } from "./client-errors.js";
export { mapWithConcurrency, type Settled } from "./concurrency.js";
export type * from "./wire.js";

export interface AttributePage {
  /** 1-based page number, as MISP counts. */
  page: number;
  attributes: MispAttribute[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

/** An id or UUID as one path segment. */
const segment = (id: MispId): string => encodeURIComponent(String(id));

export class MispClient {
  readonly #transport: MispTransport;

  constructor(options: MispClientOptions) {
    this.#transport = new MispTransport(options);
  }

  /** The normalised root every path is appended to (always ends with "/"). */
  get baseUrl(): string {
    return this.#transport.root;
  }

  /** Any call: `path` is relative to the root ("events/view/12"); the parsed JSON answer. */
  request(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<unknown> {
    return this.#transport.request(method, path, body, options);
  }

  /** `GET servers/getVersion`. */
  async getVersion(): Promise<MispVersion> {
    const call = "GET servers/getVersion";
    const { json: answer, ...meta } = await this.#call("GET", "servers/getVersion");
    if (!isObject(answer) || typeof answer.version !== "string") throw this.#unexpected(call, "no version", meta);
    return answer as MispVersion;
  }

  /** `GET users/view/me`: the key's user, role and organisation. */
  async whoAmI(): Promise<MispWhoAmI> {
    const call = "GET users/view/me";
    const { json: answer, ...meta } = await this.#call("GET", "users/view/me");
    if (!isObject(answer) || !isObject(answer.User) || !isObject(answer.Role)) throw this.#unexpected(call, "no User and Role", meta);
    return answer as MispWhoAmI;
  }

  /**
   * `POST attributes/restSearch` with `filters` as the JSON body (returnFormat json); the
   * `response.Attribute` list. Read-only, so it is retried like a GET.
   */
  async restSearchAttributes(filters: AttributeSearchFilters = {}): Promise<MispAttribute[]> {
    const call = "POST attributes/restSearch";
    const { json: answer, ...meta } = await this.#call("POST", "attributes/restSearch", { returnFormat: "json", ...filters }, { retry: true });
    const response = isObject(answer) ? answer.response : undefined;
    // MISP answers {"response": {"Attribute": []}} when nothing matches; some versions and
    // proxies of it answer {"response": []}, which means the same.
    if (Array.isArray(response) && response.length === 0) return [];
    const list = isObject(response) ? response.Attribute : undefined;
    if (!Array.isArray(list) || !list.every(isObject)) throw this.#unexpected(call, "no response.Attribute list", meta);
    return list as MispAttribute[];
  }

  /**
   * Pages through `attributes/restSearch` with `page`/`limit`, one page per iteration, until a
   * page comes back short.
   *
   * PITFALL for anyone who changes attributes while paging (the remote sweep): page N is
   * computed by the server on the data as it is *now*. If the filter selects on something the
   * loop changes (`to_ids: 1` while turning to_ids off; `published`, `timestamp` or
   * `last`, which every attribute edit also changes, since MISP stamps the attribute and
   * unpublishes its event), then each change removes a row from the result, every later row
   * moves up, and the next page starts past rows that were never seen. With 1,000 rows per page
   * and 100 flags turned off on page 1, page 2 silently skips 100 attributes. Safe ways:
   * - collect first, act afterwards: page through to the end without changing anything,
   *   keeping the ids (or the decisions), then apply the changes;
   * - or page on keys the changes cannot move (keyset pagination: a stable order and "after
   *   the last key seen"), where the server offers it;
   * - never "re-read page 1 until empty": a row the rule keeps would be read forever.
   *
   * @param options.pageSize rows per page (default 1000); `startPage` defaults to 1.
   */
  async *pageAttributes(
    filters: AttributeSearchFilters = {},
    options: { pageSize?: number; startPage?: number } = {},
  ): AsyncGenerator<AttributePage, void, undefined> {
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw invalidInput("pageSize", `must be a whole number of at least 1, got ${pageSize}`);
    let previous: string | undefined;
    for (let page = options.startPage ?? 1; ; page++) {
      const attributes = await this.restSearchAttributes({ ...filters, page, limit: pageSize });
      // A server that ignores `page` would hand back the same rows forever; one that ignores
      // `limit` hands back everything at once. Stop rather than loop in either case.
      const fingerprint = attributes.length > 0 ? `${attributes[0]?.id}/${attributes[attributes.length - 1]?.id}/${attributes.length}` : "";
      if (fingerprint !== "" && fingerprint === previous) {
        throw this.#unexpected("POST attributes/restSearch", `page ${page} repeats page ${page - 1}: the server ignores "page"`, { status: 200, attempts: 1 });
      }
      previous = fingerprint;
      if (attributes.length > 0) yield { page, attributes };
      if (attributes.length < pageSize || attributes.length > pageSize) return;
    }
  }

  /** `GET events/view/{id}`: the event, unwrapped from `{"Event": …}`. */
  async getEvent(id: MispId): Promise<MispEvent> {
    const path = `events/view/${segment(id)}`;
    const { json: answer, ...meta } = await this.#call("GET", path);
    if (!isObject(answer) || !isObject(answer.Event)) throw this.#unexpected(`GET ${path}`, "no Event", meta);
    return answer.Event as MispEvent;
  }

  /**
   * `POST attributes/edit/{id or uuid}` with the fields to change (flat, as PyMISP sends them);
   * the saved attribute. MISP keeps the fields not sent, stamps the attribute, and unpublishes
   * its event. Retried: the body sets absolute values, so sending it twice leaves the same state.
   */
  async editAttribute(idOrUuid: MispId, fields: Partial<MispAttribute>): Promise<MispAttribute> {
    const path = `attributes/edit/${segment(idOrUuid)}`;
    const { json: answer, ...meta } = await this.#call("POST", path, fields, { retry: true });
    if (!isObject(answer) || !isObject(answer.Attribute)) throw this.#unexpected(`POST ${path}`, "no Attribute", meta);
    return answer.Attribute as MispAttribute;
  }

  /**
   * `POST events/publish/{id}` (no e-mail), or `events/alert/{id}` with `alert: true` (mails the
   * subscribers). Only the silent publish is retried: publishing twice changes nothing, mailing
   * twice would.
   */
  async publishEvent(id: MispId, options: { alert?: boolean } = {}): Promise<MispSaveResult> {
    const action = options.alert === true ? "alert" : "publish";
    const path = `events/${action}/${segment(id)}`;
    const { json: answer, ...meta } = await this.#call("POST", path, undefined, { retry: action === "publish" });
    if (!isObject(answer)) throw this.#unexpected(`POST ${path}`, "no result object", meta);
    return answer as MispSaveResult;
  }

  /**
   * `POST sightings/add[/{attribute}]`: reports a sighting; the created sighting. Not retried: a
   * repeat would count the sighting twice.
   *
   * @throws MispClientError UPSTREAM when MISP adds nothing: it says so with a 200 and a
   *         `message` (no such attribute, bad type), which is carried in `misp.message`.
   */
  async addSighting(sighting: NewMispSighting, attribute?: MispId): Promise<MispSighting> {
    const path = attribute === undefined ? "sightings/add" : `sightings/add/${segment(attribute)}`;
    const { json: answer, ...meta } = await this.#call("POST", path, sighting);
    if (isObject(answer) && isObject(answer.Sighting)) return answer.Sighting as MispSighting;
    const message = isObject(answer) && typeof answer.message === "string" ? answer.message : undefined;
    const why = `no sighting was added${message ? ` (${clip(message)})` : ""}`;
    throw new MispClientError("UPSTREAM", this.#transport.failureLine(`POST ${path}`, why), {
      call: `POST ${path}`,
      ...meta,
      ...(message ? { misp: { message } } : {}),
    });
  }

  /**
   * `POST events/add` with the bare event; the created event and, when MISP refused some of its
   * attributes, MISP's `errors`. Not retried: the event may exist after a lost answer.
   */
  async addEvent(event: NewMispEvent): Promise<{ event: MispEvent; errors: unknown }> {
    const { json: answer, ...meta } = await this.#call("POST", "events/add", event);
    if (!isObject(answer) || !isObject(answer.Event)) throw this.#unexpected("POST events/add", "no Event", meta);
    return { event: answer.Event as MispEvent, errors: answer.errors };
  }

  /** `POST events/delete/{id}`. Not retried: a repeat after a lost answer would be a 404. */
  async deleteEvent(id: MispId): Promise<MispSaveResult> {
    const path = `events/delete/${segment(id)}`;
    const { json: answer, ...meta } = await this.#call("POST", path);
    if (!isObject(answer)) throw this.#unexpected(`POST ${path}`, "no result object", meta);
    return answer as MispSaveResult;
  }

  /** Closes the kept-alive connections. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  #call(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions): Promise<Exchange> {
    return this.#transport.exchange(method, path, body, options);
  }

  #unexpected(call: string, what: string, meta: Omit<Exchange, "json">): MispClientError {
    return new MispClientError("UPSTREAM", this.#transport.failureLine(call, `unexpected answer (${what})`), { call, ...meta });
  }
}
