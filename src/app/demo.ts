/**
 * Demo data for `serve --demo`: a handful of realistic events (a phishing campaign, command-and-
 * control servers, ransomware samples, vishing numbers, scanner noise) with to_ids attributes,
 * scoring taxonomy tags, and true-positive, false-positive and expiration sightings over the past
 * months, from two organisations. Generated, deterministic for a given "now", and written by the
 * team; loaded only into an empty store.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../core/domain.js";
import type { EventInput } from "../misp/parse.js";
import { sightingClockSkew, type AppContext } from "./context.js";
import { createOrg, createUser } from "./admin.js";
import { prepareEvent, writeEvent } from "./event-writes.js";
import { seededRandom } from "./seeded-random.js";

const DAY = 86_400;

type DemoAttribute = { type: string; category: string; value: string; comment?: string; tags?: string[]; age: number };
type DemoSightings = { tp: number; fp: number; expiration?: number; partnerFp?: number };

interface DemoEvent {
  info: string;
  threat: number;
  age: number;
  tags: string[];
  attributes: Array<DemoAttribute & { sightings?: DemoSightings }>;
}

function demoEvents(): DemoEvent[] {
  return [
    {
      info: "Credential phishing against finance staff: fake invoice portal",
      threat: 2,
      age: 6,
      tags: ["tlp:amber", 'phishing:state="active"', 'estimative-language:confidence-in-analytic-judgment="moderate"'],
      attributes: [
        { type: "domain", category: "Network activity", value: "invoice-portal-secure.example", age: 6, tags: ['phishing:psychological-acceptability="high"'], sightings: { tp: 4, fp: 0 } },
        { type: "url", category: "Network activity", value: "https://invoice-portal-secure.example/login/o365", age: 6, sightings: { tp: 2, fp: 0 } },
        { type: "domain", category: "Network activity", value: "docs-share-review.example", age: 3, sightings: { tp: 1, fp: 1 } },
        { type: "email-src", category: "Payload delivery", value: "accounts@invoice-portal-secure.example", age: 6 },
        { type: "email-subject", category: "Payload delivery", value: "Overdue invoice 4471 - action required", age: 6 },
        { type: "ip-dst", category: "Network activity", value: "198.51.100.23", age: 5, tags: ['phishing:state="down"'], sightings: { tp: 0, fp: 0, expiration: 1 } },
      ],
    },
    {
      info: "Commodity RAT command-and-control servers seen in proxy logs",
      threat: 1,
      age: 75,
      tags: ["tlp:green", "priority-level:high", 'admiralty-scale:source-reliability="b"'],
      attributes: [
        { type: "ip-dst", category: "Network activity", value: "203.0.113.45", age: 75, tags: ['false-positive:risk="low"'], sightings: { tp: 6, fp: 1 } },
        { type: "ip-dst|port", category: "Network activity", value: "203.0.113.46|8443", age: 75, sightings: { tp: 2, fp: 0 } },
        { type: "domain", category: "Network activity", value: "update-check-cdn.example", age: 60, sightings: { tp: 3, fp: 0 } },
        { type: "hostname", category: "Network activity", value: "api.update-check-cdn.example", age: 60 },
        { type: "domain", category: "Network activity", value: "telemetry-sync.example", age: 140, tags: ['false-positive:risk="medium"'] },
        { type: "url", category: "Network activity", value: "http://update-check-cdn.example/gate.php", age: 40, sightings: { tp: 1, fp: 0 } },
      ],
    },
    {
      info: "Ransomware loader: signed dropper and payload hashes",
      threat: 1,
      age: 30,
      tags: ["tlp:green", 'misp:confidence-level="usually-confident"', 'estimative-language:likelihood-probability="very-likely"'],
      attributes: [
        { type: "sha256", category: "Payload delivery", value: "3f9a1c0b7e6d5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a09", age: 30, sightings: { tp: 3, fp: 0 } },
        { type: "md5", category: "Payload delivery", value: "9e107d9d372bb6826bd81d3542a419d6", age: 30 },
        { type: "filename|sha256", category: "Payload delivery", value: "invoice_4471.pdf.exe|a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90", age: 30 },
        { type: "domain", category: "Network activity", value: "payload-mirror.example", age: 28, sightings: { tp: 1, fp: 0 } },
      ],
    },
    {
      info: "Vishing: fake bank support numbers in SMS lures",
      threat: 2,
      age: 4,
      tags: ["tlp:clear", 'phishing:state="active"'],
      attributes: [
        { type: "phone-number", category: "Other", value: "+44 20 7946 0018", age: 4, sightings: { tp: 2, fp: 0 } },
        { type: "phone-number", category: "Other", value: "+44 20 7946 0321", age: 12, sightings: { tp: 0, fp: 1 } },
      ],
    },
    {
      info: "Scanning sources flagged by the honeypot (many are cloud egress addresses)",
      threat: 3,
      age: 50,
      tags: ["tlp:green", "priority-level:low", 'false-positive:risk="high"'],
      attributes: [
        { type: "ip-src", category: "Network activity", value: "192.0.2.10", age: 50, comment: "Shared cloud egress", sightings: { tp: 1, fp: 4, partnerFp: 2 } },
        { type: "ip-src", category: "Network activity", value: "192.0.2.11", age: 50, comment: "Shared cloud egress", sightings: { tp: 0, fp: 3 } },
        { type: "ip-src", category: "Network activity", value: "192.0.2.57", age: 45, sightings: { tp: 3, fp: 1 } },
        { type: "ip-src", category: "Network activity", value: "192.0.2.80", age: 20, sightings: { tp: 1, fp: 1 } },
        { type: "ip-src", category: "Network activity", value: "192.0.2.99", age: 10, sightings: { tp: 2, fp: 0 } },
      ],
    },
  ];
}

export interface DemoResult {
  events: number;
  attributes: number;
  sightings: number;
  partnerKey: string;
}

/** Loads the demo into the store, as the admin, plus a partner organisation and its user. */
export async function loadDemo(context: AppContext, admin: Principal): Promise<DemoResult> {
  const now = context.now();
  const rnd = seededRandom(20_251_124);
  const partner = await createOrg(context, null, { name: "Partner CERT", description: "A partner team that shares indicators with us." });
  const partnerUser = await createUser(context, null, { email: "analyst@partner-cert.test", org: partner.id, role: "User" });

  let attributeCount = 0;
  let sightingCount = 0;
  for (const demo of demoEvents()) {
    const created = now - demo.age * DAY;
    const input: EventInput = {
      info: demo.info,
      date: new Date(created * 1000).toISOString().slice(0, 10),
      threat_level_id: demo.threat,
      analysis: 2,
      distribution: 1,
      published: true,
      publish_timestamp: created + 3600,
      timestamp: created + 3600,
      Tag: demo.tags.map((name) => ({ name })),
      Attribute: demo.attributes.map((a) => {
        const modified = now - a.age * DAY;
        const span = Math.max(1, now - modified);
        const sighting = (type: number, org: number) => ({ uuid: randomUUID(), type, date_sighting: modified + Math.floor(rnd() * span), org_id: org });
        const s = a.sightings ?? { tp: 0, fp: 0 };
        const sightings = [
          ...Array.from({ length: s.tp }, () => sighting(0, admin.org.id)),
          ...Array.from({ length: s.fp }, () => sighting(1, admin.org.id)),
          ...Array.from({ length: s.expiration ?? 0 }, () => sighting(2, admin.org.id)),
          ...Array.from({ length: s.partnerFp ?? 0 }, () => sighting(1, partner.id)),
        ];
        sightingCount += sightings.length;
        attributeCount++;
        return {
          type: a.type,
          category: a.category,
          value: a.value,
          comment: a.comment ?? "",
          to_ids: true,
          timestamp: modified,
          Tag: (a.tags ?? []).map((name) => ({ name })),
          Sighting: sightings,
        };
      }),
    };
    const prepared = prepareEvent(input, now);
    await context.store.transaction((tx) =>
      writeEvent(tx, prepared, {
        principal: admin,
        orgc: admin.org,
        now,
        createTags: true,
        sightingOrg: async (s) => s.org_id ?? admin.org.id,
        sightingClockSkew: sightingClockSkew(context),
      }),
    );
  }
  return { events: demoEvents().length, attributes: attributeCount, sightings: sightingCount, partnerKey: partnerUser.key };
}
