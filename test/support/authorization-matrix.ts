// The authorization matrix (run by test/http/authorization-matrix.*.test.ts): every viewer of the world (three organisations, every role) against
// every read, search, sighting, write, model, sweep, key and administration route, on both
// stores and under each sightings policy. Each cell states MISP's answer through the oracle in
// test/support/authorization-world.ts: exactly what it lets the viewer see (no leak, nothing
// missing), and for a refused write the status MISP gives and nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildWorld,
  canModify,
  listsAttribute,
  listsObject,
  seesAttribute,
  seesEvent,
  seesSighting,
  sorted,
  type World,
  type WorldAttribute,
  type WorldViewer,
} from "./authorization-world.js";
import type { Dialect } from "../support/server.js";

type Call = World["api"]["call"];

/** The viewer's call: its key, or the harness's default (the site admin's) for the site admin. */
function as(world: World, viewer: WorldViewer): (method: string, path: string, body?: unknown) => ReturnType<Call> {
  return (method, path, body) => world.api.call(method, path, body, viewer.key === undefined ? {} : { key: viewer.key });
}

/** Attribute uuids of an event as events/view and events/restSearch show it: its own and its objects'. */
function eventAttributeUuids(event: any): string[] {
  return [...(event.Attribute ?? []), ...(event.Object ?? []).flatMap((o: any) => o.Attribute ?? [])].map((a: any) => a.uuid);
}

function sightingUuidsOf(attributes: any[]): Map<string, string[]> {
  return new Map(attributes.map((a: any) => [a.uuid, sorted((a.Sighting ?? []).map((s: any) => s.uuid))]));
}

/** What the oracle says the viewer sees of an attribute's sightings. */
function expectedSightings(world: World, viewer: WorldViewer, attribute: WorldAttribute): string[] {
  return sorted(world.sightings.filter((s) => s.attribute === attribute && seesSighting(world, viewer, s)).map((s) => s.uuid));
}

/** Runs the checks a few at a time: PostgreSQL answers them in parallel, SQLite one after another. */
async function each<T>(items: readonly T[], check: (item: T) => Promise<void>, concurrency = 6): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(check));
}

/** Everything a refused write could have touched, as the site admin sees it. */
async function signature(world: World): Promise<string> {
  const attributes = await world.api.call("POST", "/attributes/restSearch", { deleted: [0, 1], includeSightings: 1, includeEventTags: 1, limit: 10_000 });
  const events = await world.api.call("GET", "/events/index");
  return JSON.stringify([await world.api.counts(), attributes.json, events.json]);
}

/** The whole matrix on one store; one test file per store, so that the two run side by side. */
export function authorizationMatrix(dialect: { name: Dialect; available: boolean }): void {
  describe.skipIf(!dialect.available)(`the authorization matrix on ${dialect.name}`, () => {
    describe("reads, writes, models, sweeps and administration (sightings policy 0)", () => {
      let world: World;
      beforeAll(async () => {
        world = await buildWorld(dialect.name, 0);
      }, 120_000);
      afterAll(async () => {
        await world?.api.close();
      });

      const viewerNames = [
        "A site admin",
        "A Org Admin",
        "A User",
        "A Publisher",
        "A Read Only",
        "A Sync user",
        "B Org Admin",
        "B User",
        "B Read Only",
        "B Sync user",
        "C User",
      ];
      const viewer = (name: string) => world.viewers.find((v) => v.name === name)!;

      it.each(viewerNames)("events/index lists exactly the events %s may see", async (name) => {
        const v = viewer(name);
        const answer = await as(world, v)("GET", "/events/index");
        expect(answer.status).toBe(200);
        const ids = sorted(answer.json.map((e: any) => String(e.id)));
        expect(ids).toEqual(sorted(world.events.filter((e) => seesEvent(v, e)).map((e) => e.id)));
      });

      it.each(viewerNames)("events/view shows %s the events, objects, attributes and sightings MISP would, deleted ones only where it may", async (name) => {
        const v = viewer(name);
        const views = world.events.flatMap((event) => [false, true].map((withDeleted) => ({ event, withDeleted })));
        await each(views, async ({ event, withDeleted }) => {
          {
            const path = `/events/view/${event.id}${withDeleted ? "/deleted:1" : ""}`;
            const answer = await as(world, v)("GET", path);
            if (!seesEvent(v, event)) {
              expect(answer.status, path).toBe(404);
              expect(answer.json.message).toBe("Invalid event");
              return;
            }
            expect(answer.status, path).toBe(200);
            const shown = answer.json.Event;
            const where = `${name} ${path}`;
            expect(sorted(eventAttributeUuids(shown)), where).toEqual(sorted(event.attributes.filter((a) => listsAttribute(v, a, withDeleted)).map((a) => a.uuid)));
            expect(sorted((shown.Object ?? []).map((o: any) => o.uuid)), where).toEqual(sorted(event.objects.filter((o) => listsObject(v, event, o, withDeleted)).map((o) => o.uuid)));
            const sightings = sightingUuidsOf([...(shown.Attribute ?? []), ...(shown.Object ?? []).flatMap((o: any) => o.Attribute)]);
            for (const [uuid, got] of sightings) {
              expect(got, `${where} sightings of ${uuid}`).toEqual(expectedSightings(world, v, world.attributes.find((a) => a.uuid === uuid)!));
            }
          }
        });
      });

      it.each(viewerNames)("events/restSearch returns %s the visible events with their visible attributes", async (name) => {
        const v = viewer(name);
        const answer = await as(world, v)("POST", "/events/restSearch", { limit: 1000 });
        expect(answer.status).toBe(200);
        const events = answer.json.response.map((r: any) => r.Event);
        expect(sorted(events.map((e: any) => String(e.id)))).toEqual(sorted(world.events.filter((e) => seesEvent(v, e)).map((e) => e.id)));
        for (const shown of events) {
          const event = world.events.find((e) => e.id === String(shown.id))!;
          expect(sorted(eventAttributeUuids(shown)), `${name} event ${event.id}`).toEqual(sorted(event.attributes.filter((a) => listsAttribute(v, a, false)).map((a) => a.uuid)));
        }
      });

      it.each(viewerNames)("attributes/restSearch returns %s the visible attributes and sightings, in JSON, CSV and text", async (name) => {
        const v = viewer(name);
        const call = as(world, v);
        const all = await call("POST", "/attributes/restSearch", { deleted: [0, 1], includeSightings: 1, limit: 10_000 });
        expect(all.status).toBe(200);
        const found = all.json.response.Attribute;
        expect(sorted(found.map((a: any) => a.uuid))).toEqual(sorted(world.attributes.filter((a) => listsAttribute(v, a, true)).map((a) => a.uuid)));
        for (const [uuid, got] of sightingUuidsOf(found)) {
          expect(got, `${name} sightings of ${uuid}`).toEqual(expectedSightings(world, v, world.attributes.find((a) => a.uuid === uuid)!));
        }
        const live = world.attributes.filter((a) => listsAttribute(v, a, false));
        const csv = await call("POST", "/attributes/restSearch", { returnFormat: "csv", limit: 10_000 });
        expect(csv.status).toBe(200);
        const csvUuids = csv.text.trim().split("\n").slice(1).map((line) => line.split(",")[0]!.replaceAll('"', ""));
        expect(sorted(csvUuids)).toEqual(sorted(live.map((a) => a.uuid)));
        // The text export is for IDS: MISP limits it to to_ids attributes of published events.
        const text = await call("POST", "/attributes/restSearch", { returnFormat: "text", limit: 10_000 });
        expect(text.status).toBe(200);
        expect(sorted(text.text.trim().split("\n").filter(Boolean))).toEqual(sorted(live.filter((a) => a.event.published).map((a) => a.value)));
      });

      it.each(viewerNames)("attributes/view answers %s for exactly the attributes it may see", async (name) => {
        const v = viewer(name);
        await each(world.attributes, async (attribute) => {
          const answer = await as(world, v)("GET", `/attributes/view/${attribute.id}`);
          expect(answer.status, `${name} attribute ${attribute.value}`).toBe(listsAttribute(v, attribute, false) ? 200 : 404);
        });
      });

      it.each(viewerNames)("sightings/restSearch without a context gives %s only the sightings of attributes it may see, and nothing of the others", async (name) => {
        const v = viewer(name);
        const answer = await as(world, v)("POST", "/sightings/restSearch", { from: 0, includeAttribute: 1, includeEvent: 1, includeUuid: 1 });
        expect(answer.status).toBe(200);
        const want = world.sightings.filter((s) => seesSighting(world, v, s));
        expect(sorted(answer.json.response.map((r: any) => r.Sighting.uuid))).toEqual(sorted(want.map((s) => s.uuid)));
        for (const attribute of world.attributes.filter((a) => !seesAttribute(v, a))) {
          expect(answer.text, `${name} sees ${attribute.value}`).not.toContain(attribute.value);
          expect(answer.text, `${name} sees ${attribute.value}'s uuid`).not.toContain(attribute.uuid);
        }
      });

      it.each(viewerNames)("sightings/listSightings and restSearch by attribute answer %s as the attribute's visibility says", async (name) => {
        const v = viewer(name);
        const call = as(world, v);
        await each(
          world.attributes.filter((a) => world.sightings.some((s) => s.attribute === a)),
          async (attribute) => {
            const [listed, search] = await Promise.all([
              call("POST", "/sightings/listSightings", { id: attribute.id, context: "attribute" }),
              call("POST", "/sightings/restSearch/attribute", { id: Number(attribute.id), from: 0 }),
            ]);
            const where = `${name} ${attribute.value}`;
            if (!seesAttribute(v, attribute)) {
              expect(listed.status, where).toBe(404);
              expect(search.json.response, where).toEqual([]);
              return;
            }
            expect(sorted(listed.json.map((s: any) => s.Sighting.uuid)), where).toEqual(expectedSightings(world, v, attribute));
            expect(sorted(search.json.response.map((s: any) => s.Sighting.uuid)), where).toEqual(expectedSightings(world, v, attribute));
          },
        );
      });

      it.each(viewerNames)("refuses %s every write it may not make, as MISP does, and writes nothing", async (name) => {
        const v = viewer(name);
        const call = as(world, v);
        const before = await signature(world);
        // A sample of every kind of attribute: all of one event of each owner and distribution class.
        const targets = world.events.filter((e, i) => i % 3 === 0);
        for (const event of targets) {
          const mayEdit = canModify(v, event);
          if (!mayEdit) {
            const expected = seesEvent(v, event) ? 403 : 404;
            for (const [method, path, body] of [
              ["POST", `/events/edit/${event.id}`, { info: "changed" }],
              ["POST", `/events/publish/${event.id}`, {}],
              ["POST", `/events/delete/${event.id}`, {}],
              ["POST", `/events/addTag/${event.id}`, { tag: "tlp:red" }],
            ] as const) {
              const answer = await call(method, path, body);
              expect(answer.status, `${name} ${path}`).toBe(expected);
            }
            const tagged = await call("POST", "/tags/attachTagToObject", { uuid: event.uuid, tag: "tlp:red" });
            expect(tagged.status, `${name} tags the event ${event.id}`).toBe(seesEvent(v, event) ? 403 : 404);
            if (!seesEvent(v, event)) expect(tagged.json.message).toBe("Invalid Target.");
          }
          for (const attribute of event.attributes) {
            const where = `${name} ${attribute.value}`;
            const visible = listsAttribute(v, attribute, false);
            // The permission is checked first, as MISP does: without it, the answer says nothing of the attribute.
            if (!v.canSight) {
              expect((await call("POST", `/sightings/add/${attribute.id}`, { type: 1 })).status, where).toBe(403);
            }
            if (!visible) {
              if (v.canSight) expect((await call("POST", `/sightings/add/${attribute.id}`, { type: 1 })).json.message, where).toMatch(/No valid attributes/);
              const tagged = await call("POST", "/tags/attachTagToObject", { uuid: attribute.uuid, tag: "tlp:red" });
              expect(tagged.status, where).toBe(404);
              expect(tagged.json.message, where).toBe("Invalid Target.");
            }
            if (!mayEdit) {
              const expected = visible ? 403 : 404;
              expect((await call("POST", `/attributes/edit/${attribute.id}`, { comment: "changed" })).status, `${where} edit`).toBe(expected);
              expect((await call("POST", `/attributes/delete/${attribute.id}`, {})).status, `${where} delete`).toBe(expected);
              expect((await call("POST", `/attributes/addTag/${attribute.id}`, { tag: "tlp:red" })).status, `${where} tag`).toBe(expected);
            }
          }
        }
        for (const sighting of world.sightings.filter((s) => s.org !== v.org && !v.siteAdmin).slice(0, 30)) {
          const answer = await call("POST", `/sightings/delete/${sighting.id}`);
          expect(answer.status, `${name} deletes ${sighting.org}'s sighting`).toBe(v.canSight ? 404 : 403);
        }
        expect(await signature(world)).toBe(before);
      });

      describe("decaying models", () => {
        let models: Record<"aPrivate" | "aShared" | "bPrivate", string>;
        beforeAll(async () => {
          const add = async (viewerName: string, name: string, allOrgs: boolean) => {
            const answer = await as(world, viewer(viewerName))("POST", "/decayingModel/add", {
              DecayingModel: { name, formula: "Polynomial", all_orgs: allOrgs ? 1 : 0, parameters: { lifetime: 10, decay_speed: 1, threshold: 30, default_base_score: 80 } },
            });
            expect(answer.status, answer.text).toBe(200);
            return String(answer.json.data.DecayingModel.id);
          };
          models = { aPrivate: await add("A User", "A private", false), aShared: await add("A User", "A shared", true), bPrivate: await add("B User", "B private", false) };
        });

        const owner = (key: keyof typeof models) => (key === "bPrivate" ? "B" : "A");
        const shared = (key: keyof typeof models) => key === "aShared";

        it.each(viewerNames)("shows %s the models MISP would: its organisation's, the shared ones and the defaults", async (name) => {
          const v = viewer(name);
          const answer = await as(world, v)("GET", "/decayingModel/index");
          expect(answer.status).toBe(200);
          const ids = new Set(answer.json.map((m: any) => String(m.DecayingModel.id)));
          for (const key of Object.keys(models) as Array<keyof typeof models>) {
            const visible = v.siteAdmin || shared(key) || owner(key) === v.org;
            expect(ids.has(models[key]), `${name} ${key}`).toBe(visible);
            expect((await as(world, v)("GET", `/decayingModel/view/${models[key]}`)).status, `${name} views ${key}`).toBe(visible ? 200 : 404);
            expect((await as(world, v)("GET", `/decayingModel/export/${models[key]}`)).status, `${name} exports ${key}`).toBe(visible ? 200 : 404);
          }
          for (const id of ["1", "2", "3"]) expect(ids.has(id), `${name} default ${id}`).toBe(true);
        });

        it.each(viewerNames)("lets %s change only the models its organisation owns, with perm_decaying", async (name) => {
          const v = viewer(name);
          for (const key of Object.keys(models) as Array<keyof typeof models>) {
            const visible = v.siteAdmin || shared(key) || owner(key) === v.org;
            const editable = v.siteAdmin || (v.canDecay && owner(key) === v.org);
            // Without perm_decaying the refusal comes first, and says nothing of the model.
            const expected = editable ? 200 : visible || !v.canDecay ? 403 : 404;
            const edited = await as(world, v)("POST", `/decayingModel/edit/${models[key]}`, { DecayingModel: { description: `edited by ${name}` } });
            expect(edited.status, `${name} edits ${key}`).toBe(expected);
          }
          for (const id of ["1", "2", "3"]) {
            const answer = await as(world, v)("POST", `/decayingModel/disable/${id}`);
            expect(answer.status, `${name} disables default ${id}`).toBe(v.siteAdmin ? 200 : 403);
          }
        });
      });

      it.each(viewerNames)("lets %s run and read sweeps only as MISP's admins, over their own events", async (name) => {
        const v = viewer(name);
        const call = as(world, v);
        const dry = await call("POST", "/halflife/sweeps/dry-run", {});
        const listed = await call("GET", "/halflife/sweeps");
        if (!v.siteAdmin && !v.orgAdmin) {
          expect(dry.status).toBe(403);
          expect(listed.status).toBe(403);
          return;
        }
        expect(dry.status, dry.text).toBe(200);
        expect(listed.status).toBe(200);
        const pulled = sorted(dry.json.report.events.flatMap((e: any) => e.attributes.map((a: any) => a.uuid)));
        // Four false positives against three true positives: every visible live plain attribute of
        // distribution 5 goes, within the organisation's own events for an organisation admin.
        const expected = world.attributes.filter(
          (a) => a.value.startsWith("plain5-") && (v.siteAdmin || a.event.org === v.org) && listsAttribute(v, a, false),
        );
        expect(pulled).toEqual(sorted(expected.map((a) => a.uuid)));
      });

      it.each(viewerNames)("answers %s's administration and key requests by MISP's rules", async (name) => {
        const v = viewer(name);
        const call = as(world, v);
        const users = (await world.api.call("GET", "/admin/users/index")).json.map((u: any) => ({ id: u.User.id, org: u.User.org_id, admin: u.Role.perm_site_admin || ["1", "2"].includes(u.User.role_id) }));
        const me = (await call("GET", "/users/view/me")).json.User.id;
        const myOrg = String(world.orgIds[v.org]);
        for (const user of users) {
          const sees = v.siteAdmin || user.id === me || (v.orgAdmin && user.org === myOrg);
          const manages = v.siteAdmin || user.id === me || (v.orgAdmin && user.org === myOrg && !user.admin);
          const where = `${name} → user ${user.id}`;
          expect((await call("GET", `/admin/users/view/${user.id}`)).status, where).toBe(sees ? 200 : 404);
          expect((await call("GET", `/halflife/users/${user.id}/keys`)).status, `${where} keys`).toBe(manages ? 200 : sees ? 403 : 404);
        }
        const index = (await call("GET", "/admin/users/index")).json.map((u: any) => u.User.id);
        expect(sorted(index)).toEqual(sorted(users.filter((u: any) => v.siteAdmin || u.id === me || (v.orgAdmin && u.org === myOrg)).map((u: any) => u.id)));
        expect((await call("GET", "/organisations/index")).status).toBe(200);
        expect((await call("GET", "/roles/index")).status).toBe(200);
        for (const [path, body] of [
          ["/admin/organisations/edit/1", { description: "x" }],
          ["/admin/roles/edit/3", { name: "User" }],
          ["/admin/organisations/add", { name: `Nope ${name}` }],
        ] as const) {
          expect((await call("POST", path, body)).status, `${name} ${path}`).toBe(v.siteAdmin ? 200 : 403);
        }
      });
    });

    // The sightings policy changes only who sees which sightings: those cells, under each policy.
    describe.each([1, 2, 3] as const)("sightings under policy %s", (policy) => {
      let world: World;
      beforeAll(async () => {
        world = await buildWorld(dialect.name, policy);
      }, 120_000);
      afterAll(async () => {
        await world?.api.close();
      });

      it("shows every viewer exactly the sightings the policy lets it see, in every listing", async () => {
        for (const v of world.viewers) {
          const call = as(world, v);
          const search = await call("POST", "/sightings/restSearch", { from: 0 });
          expect(sorted(search.json.response.map((r: any) => r.Sighting.uuid)), v.name).toEqual(sorted(world.sightings.filter((s) => seesSighting(world, v, s)).map((s) => s.uuid)));
          const attributes = await call("POST", "/attributes/restSearch", { deleted: [0, 1], includeSightings: 1, limit: 10_000 });
          for (const [uuid, got] of sightingUuidsOf(attributes.json.response.Attribute)) {
            expect(got, `${v.name} sightings of ${uuid}`).toEqual(expectedSightings(world, v, world.attributes.find((a) => a.uuid === uuid)!));
          }
          for (const event of world.events.filter((e) => seesEvent(v, e))) {
            const shown = (await call("GET", `/events/view/${event.id}`)).json.Event;
            for (const [uuid, got] of sightingUuidsOf([...(shown.Attribute ?? []), ...(shown.Object ?? []).flatMap((o: any) => o.Attribute)])) {
              expect(got, `${v.name} event ${event.id} sightings of ${uuid}`).toEqual(expectedSightings(world, v, world.attributes.find((a) => a.uuid === uuid)!));
            }
          }
        }
      });
    });
  });
}
