// `halflife import`, run as the real executable on a real SQLite file; what it wrote is then read
// back through events/view, as a MISP client would.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { hasSharedData, readSharedJson, sharedPath } from "../support/data.js";
import { ADMIN_KEY, startInProcess, type InProcessApp } from "../support/in-process.js";
import { temporaryFolder } from "../support/temp.js";

const SHARED_EVENTS = ["existing_event.json", "galaxy_1.json", "long_event.json", "very_long_event.json"];

type MispAttribute = { uuid: string; type: string; category: string; value: string; to_ids: boolean | string; Tag?: Array<{ name: string }> };
type MispEvent = { uuid: string; info: string; Tag?: Array<{ name: string }>; Attribute?: MispAttribute[]; Object?: Array<{ uuid: string; name: string; Attribute?: MispAttribute[] }> };

function tempDatabase(): string {
  return path.join(temporaryFolder("import"), "halflife.db");
}

const env = (db: string) => ({ HALFLIFE_DB: db, HALFLIFE_ADMIN_KEY: ADMIN_KEY, HALFLIFE_LOG_LEVEL: "silent" });

/** What must survive a round trip: per attribute, its fields, object and tag names. */
function essentials(event: MispEvent) {
  const attribute = (a: MispAttribute, object: string) => ({
    uuid: a.uuid,
    type: a.type,
    category: a.category,
    value: a.value,
    to_ids: a.to_ids === true || a.to_ids === "1",
    object,
    tags: (a.Tag ?? []).map((t) => t.name).sort(),
  });
  return {
    uuid: event.uuid,
    info: event.info,
    tags: (event.Tag ?? []).map((t) => t.name).sort(),
    objects: (event.Object ?? []).map((o) => `${o.uuid} ${o.name}`).sort(),
    attributes: [...(event.Attribute ?? []).map((a) => attribute(a, "")), ...(event.Object ?? []).flatMap((o) => (o.Attribute ?? []).map((a) => attribute(a, o.uuid)))].sort((x, y) =>
      x.uuid.localeCompare(y.uuid),
    ),
  };
}

describe.skipIf(!hasSharedData)("halflife import with the shared MISP events", () => {
  let db: string;
  let api: InProcessApp;

  beforeAll(async () => {
    db = tempDatabase();
    const result = await runCli(["import", sharedPath("misp-events")], { env: env(db) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("Imported 4 of 4 events (566 attributes, 0 sightings).\n");
    api = await startInProcess({ sqliteFile: db });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it.each(SHARED_EVENTS)("gives %s back through events/view: values, types, categories, IDS flags, objects and tags", async (file) => {
    const original = readSharedJson<{ Event?: MispEvent } & MispEvent>("misp-events", file);
    const event = original.Event ?? original;
    const view = await api.call("GET", `/events/view/${event.uuid}`);
    expect(view.status).toBe(200);
    expect(essentials(view.json.Event)).toEqual(essentials(event));
    expect(view.json.Event.attribute_count).toBe(String(essentials(event).attributes.length));
  });

  it("keeps the creator organisation of an imported event", async () => {
    const original = readSharedJson<{ Event: MispEvent & { Orgc: { name: string; uuid: string } } }>("misp-events", "long_event.json");
    const view = await api.call("GET", `/events/view/${original.Event.uuid}`);
    expect(view.json.Event.Orgc).toMatchObject({ name: original.Event.Orgc.name, uuid: original.Event.Orgc.uuid });
  });

  it("skips the events it already has when run again, and writes nothing", async () => {
    const before = await api.counts();
    const again = await runCli(["import", ...SHARED_EVENTS.map((f) => sharedPath("misp-events", f))], { env: env(db) });
    expect(again.code, again.stderr).toBe(0);
    const lines = again.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("Imported 0 of 4 events (0 attributes, 0 sightings).");
    expect(lines.slice(1)).toHaveLength(4);
    expect(lines.slice(1).every((l) => /^Skipped [0-9a-f-]{36} ".*": an event with this uuid is already here$/.test(l))).toBe(true);
    expect(await api.counts()).toEqual(before);
  });
});

describe("halflife import", () => {
  it("imports sightings with their reporting organisations, from a list of events", async () => {
    const db = tempDatabase();
    const dir = temporaryFolder("import-files");
    const partner = { name: "Partner CERT", uuid: randomUUID() };
    const attribute = {
      uuid: randomUUID(),
      type: "ip-dst",
      category: "Network activity",
      value: "203.0.113.200",
      to_ids: true,
      Sighting: [
        { uuid: randomUUID(), type: "1", date_sighting: "1760000000", source: "ids", Organisation: partner },
        { uuid: randomUUID(), type: "0", date_sighting: "1760000100" },
      ],
    };
    const events = [
      { Event: { uuid: randomUUID(), info: "with sightings", Orgc: partner, Attribute: [attribute], Tag: [{ name: 'osint:certainty="93"' }] } },
      { Event: { uuid: randomUUID(), info: "second", Attribute: [] } },
    ];
    writeFileSync(path.join(dir, "events.json"), JSON.stringify(events));
    const result = await runCli(["import", dir], { env: env(db) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("Imported 2 of 2 events (1 attributes, 2 sightings).\n");

    const api = await startInProcess({ sqliteFile: db });
    try {
      const view = (await api.call("GET", `/events/view/${events[0]!.Event.uuid}`)).json.Event;
      expect(view.Orgc.name).toBe("Partner CERT");
      const sightings = view.Attribute[0].Sighting.map((s: any) => [s.uuid, s.type, s.date_sighting, s.source, s.Organisation.name]);
      expect(sightings).toEqual([
        [attribute.Sighting[0]!.uuid, "1", "1760000000", "ids", "Partner CERT"],
        [attribute.Sighting[1]!.uuid, "0", "1760000100", "", expect.any(String)],
      ]);
    } finally {
      await api.close();
    }
  });

  it("stops with exit code 2 and one line on a broken file, and imports nothing", async () => {
    const db = tempDatabase();
    const dir = temporaryFolder("import-broken");
    writeFileSync(path.join(dir, "a-good.json"), JSON.stringify({ Event: { info: "good", Attribute: [{ type: "domain", value: "good.example" }] } }));
    writeFileSync(path.join(dir, "b-broken.json"), '{"Event": {"info": "broken", ');
    const broken = await runCli(["import", dir], { env: env(db) });
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe("");
    expect(broken.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(broken.stderr).toMatch(/^halflife: .*b-broken\.json is not valid JSON/);

    writeFileSync(path.join(dir, "b-broken.json"), JSON.stringify({ Event: { info: "bad type", Attribute: [{ type: "ip-dest", value: "x" }] } }));
    const invalid = await runCli(["import", dir], { env: env(db) });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(invalid.stderr).toMatch(/b-broken\.json#1 Attribute\.0\.type .*ip-dest.*nothing was imported/);

    const missing = await runCli(["import", path.join(dir, "nope.json")], { env: env(db) });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^halflife: cannot read .*nope\.json/);

    const api = await startInProcess({ sqliteFile: db });
    try {
      expect((await api.counts()).events).toBe(0);
    } finally {
      await api.close();
    }
  });
});
