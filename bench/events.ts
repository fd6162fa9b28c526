// Generated MISP events for the import and search benchmarks: the shapes of the shared CIRCL
// events (common IOC types, event and attribute tags, file objects), at any scale, deterministic.
import type { BenchResult } from "./report.js";

const TYPES: Array<{ type: string; category: string; value: (n: number) => string }> = [
  { type: "domain", category: "Network activity", value: (n) => `host-${n.toString(36)}.example` },
  { type: "ip-dst", category: "Network activity", value: (n) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
  { type: "url", category: "Network activity", value: (n) => `https://cdn-${n.toString(36)}.example/payload/${n}` },
  { type: "md5", category: "Payload delivery", value: (n) => n.toString(16).padStart(32, "0") },
  { type: "sha256", category: "Payload delivery", value: (n) => n.toString(16).padStart(64, "a") },
  { type: "email-src", category: "Payload delivery", value: (n) => `sender${n}@mail-${n % 97}.example` },
  { type: "hostname", category: "Network activity", value: (n) => `mx${n}.relay.example` },
];

const ATTRIBUTE_TAGS = ['false-positive:risk="low"', 'false-positive:risk="high"', 'estimative-language:likelihood-probability="likely"'];

/** `events` MISP events of `perEvent` attributes each (a tenth of them in file objects). */
export function generateEvents(events: number, perEvent: number, seed = 1): Array<{ Event: Record<string, unknown> }> {
  const out = [];
  let n = seed * 10_000_000;
  const uuid = () => {
    const hex = (n++).toString(16).padStart(32, "0");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  for (let e = 0; e < events; e++) {
    const attributes = [];
    const objects = [];
    const inObjects = Math.floor(perEvent / 10);
    for (let i = 0; i < perEvent - inObjects; i++) {
      const kind = TYPES[i % TYPES.length]!;
      const id = n;
      attributes.push({
        uuid: uuid(),
        type: kind.type,
        category: kind.category,
        value: kind.value(id),
        to_ids: i % 4 !== 0,
        comment: i % 5 === 0 ? "seen in the campaign's second wave" : "",
        timestamp: String(1_760_000_000 + i),
        ...(i % 3 === 0 ? { Tag: [{ name: ATTRIBUTE_TAGS[i % ATTRIBUTE_TAGS.length]! }] } : {}),
      });
    }
    for (let o = 0; o < inObjects / 2; o++) {
      const id = n;
      objects.push({
        uuid: uuid(),
        name: "file",
        "meta-category": "file",
        template_uuid: "688c46fb-5edb-40a3-8273-1af7923e2215",
        template_version: "22",
        Attribute: [
          { uuid: uuid(), type: "filename", category: "Payload delivery", object_relation: "filename", value: `sample-${id}.exe`, to_ids: false },
          { uuid: uuid(), type: "md5", category: "Payload delivery", object_relation: "md5", value: (id * 7).toString(16).padStart(32, "0"), to_ids: true },
        ],
      });
    }
    out.push({
      Event: {
        uuid: uuid(),
        info: `Generated campaign ${seed}-${e}`,
        date: "2025-11-01",
        distribution: "1",
        threat_level_id: "2",
        analysis: "2",
        Orgc: { name: "CIRCL", uuid: "55f6ea5e-2c60-40e5-964f-47a8950d210f" },
        Tag: [{ name: "tlp:green" }, { name: 'admiralty-scale:source-reliability="b"' }],
        Attribute: attributes,
        Object: objects,
      },
    });
  }
  return out;
}

/** Times an async step, in seconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

export const perSecond = (count: number, seconds: number): number => count / seconds;

export type { BenchResult };
