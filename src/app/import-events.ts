/**
 * Importing MISP event JSON (`halflife import`): every event is validated before anything is
 * written, then each is written in its own transaction. An event whose uuid is already here is
 * skipped. Creator organisations and sighting reporters are matched by uuid or name, and created
 * when unknown, so an import keeps who said what.
 */
import { randomUUID } from "node:crypto";
import { invalidInput } from "../core/errors.js";
import type { OrgRecord, Principal } from "../core/domain.js";
import { eventInput, isObject, parseWith } from "../misp/parse.js";
import type { StoreSession } from "../store/store.js";
import type { AppContext } from "./context.js";
import { prepareEvent, writeEvent, type PreparedEvent } from "./event-writes.js";

/** The events in a MISP JSON document: one event, a list, or an events restSearch answer. */
export function eventsIn(document: unknown, source: string): unknown[] {
  if (Array.isArray(document)) return document.flatMap((item, i) => eventsIn(item, `${source}[${i}]`));
  if (!isObject(document)) throw invalidInput(source, "is not a MISP event");
  if ("response" in document) return eventsIn(document.response, `${source}.response`);
  if (isObject(document.Event)) return [document.Event];
  if ("info" in document) return [document];
  throw invalidInput(source, "is not a MISP event, a list of events, or an events restSearch answer");
}

interface OrgReference {
  uuid?: string;
  name?: string;
}

interface Candidate {
  source: string;
  prepared: PreparedEvent;
  orgc: OrgReference | undefined;
  /** Sighting uuid → its reporter, from the file. */
  reporters: Map<string, OrgReference>;
}

export interface ImportReport {
  events: number;
  imported: number;
  skipped: Array<{ uuid: string; info: string; reason: string }>;
  attributes: number;
  sightings: number;
}

/** Validates every event of every document; throws INVALID_INPUT naming the source and field. */
export function prepareImport(documents: ReadonlyArray<{ source: string; document: unknown }>, now: number): Candidate[] {
  const candidates: Candidate[] = [];
  for (const { source, document } of documents) {
    eventsIn(document, source).forEach((raw, i) => {
      const where = `${source}#${i + 1}`;
      let input;
      try {
        input = parseWith(eventInput, raw);
      } catch (error) {
        throw invalidInput(`${where} ${(error as { field?: string }).field ?? ""}`.trim(), (error as Error).message.replace(/^\S+ /, ""));
      }
      let prepared: PreparedEvent;
      try {
        // An imported event without a distribution stays with its organisation.
        prepared = prepareEvent(input, now, { distribution: 0 });
      } catch (error) {
        throw invalidInput(`${where} ${(error as { field?: string }).field ?? ""}`.trim(), (error as Error).message.replace(/^\S+ /, ""));
      }
      const reporters = new Map<string, OrgReference>();
      for (const attribute of [...prepared.attributes, ...prepared.objects.flatMap((o) => o.attributes)]) {
        for (const s of attribute.sightings) {
          if (!s.uuid) s.uuid = randomUUID();
          if (s.Organisation) reporters.set(s.uuid, s.Organisation);
        }
      }
      candidates.push({ source: where, prepared, orgc: input.Orgc ?? input.Org, reporters });
    });
  }
  return candidates;
}

async function matchOrg(tx: StoreSession, reference: OrgReference | undefined, fallback: OrgRecord, now: number): Promise<OrgRecord> {
  if (!reference || (!reference.uuid && !reference.name)) return fallback;
  const uuid = reference.uuid?.toLowerCase();
  const found = (uuid ? await tx.orgs.byUuid(uuid) : null) ?? (reference.name ? await tx.orgs.byName(reference.name) : null);
  if (found) return found;
  return tx.orgs.create({ uuid: uuid && /^[0-9a-f-]{36}$/.test(uuid) ? uuid : randomUUID(), name: reference.name ?? `Organisation ${uuid}`, description: "Created by an import.", local: false, created: now });
}

export async function importEvents(
  context: AppContext,
  principal: Principal,
  candidates: readonly Candidate[],
  onProgress?: (done: number, total: number) => void,
): Promise<ImportReport> {
  const now = context.now();
  const report: ImportReport = { events: candidates.length, imported: 0, skipped: [], attributes: 0, sightings: 0 };
  for (const [i, candidate] of candidates.entries()) {
    const written = await context.store.transaction(async (tx) => {
      if (await tx.events.byUuid(candidate.prepared.event.uuid)) {
        report.skipped.push({ uuid: candidate.prepared.event.uuid, info: candidate.prepared.event.info, reason: "an event with this uuid is already here" });
        return false;
      }
      const orgc = await matchOrg(tx, candidate.orgc, principal.org, now);
      const orgCache = new Map<string, number>();
      await writeEvent(tx, candidate.prepared, {
        principal,
        orgc,
        now,
        createTags: true,
        sightingOrg: async (s) => {
          const reporter = s.uuid ? candidate.reporters.get(s.uuid) : undefined;
          if (!reporter) return principal.org.id;
          const key = `${reporter.uuid ?? ""}|${reporter.name ?? ""}`;
          if (!orgCache.has(key)) orgCache.set(key, (await matchOrg(tx, reporter, principal.org, now)).id);
          return orgCache.get(key)!;
        },
      });
      return true;
    });
    if (written) {
      report.imported++;
      const attributes = [...candidate.prepared.attributes, ...candidate.prepared.objects.flatMap((o) => o.attributes)];
      report.attributes += attributes.length;
      report.sightings += attributes.reduce((n, a) => n + a.sightings.length, 0);
    }
    onProgress?.(i + 1, candidates.length);
  }
  // The tables may have grown many times over: let the query planner see their new sizes. The
  // import has landed whatever happens here; a refresh that fails is left to the next one.
  if (report.imported > 0) await context.store.optimize().catch(() => {});
  return report;
}
