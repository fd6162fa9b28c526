// The decayingModel routes, as MISP clients call them, with MISP's rules and Halflife's fixes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasSharedData, readSharedJson } from "../support/data.js";
import { startTestServer, type TestServer } from "../support/server.js";

const model = (overrides: Record<string, unknown> = {}) => ({
  name: "Quick decay",
  description: "For tests",
  formula: "Polynomial",
  parameters: { lifetime: 10, decay_speed: 1, threshold: 20, default_base_score: 80, base_score_config: { "false-positive:risk": 1 } },
  attribute_types: ["domain", "url"],
  ...overrides,
});

describe("decaying model routes", () => {
  let server: TestServer;
  let other: { key: string };
  let decayingUser: { key: string };
  let readOnly: { key: string };

  beforeAll(async () => {
    server = await startTestServer();
    other = await server.addUser({ org: "Other CERT", role: "Org Admin" });
    decayingUser = await server.addUser({ org: "Own Users", role: "User" });
    readOnly = await server.addUser({ org: "Own Users", role: "Read Only" });
  });
  afterAll(() => server.close());

  it("installs the three default models at first start, disabled, with their types", async () => {
    const { status, json } = await server.call("GET", "/decayingModel/index/default_models:1");
    expect(status).toBe(200);
    const models = json.map((m: any) => m.DecayingModel);
    expect(models.map((m: any) => m.name).sort()).toEqual(["NIDS Simple Decaying Model", "Phishing model", "Vishing model"]);
    expect(models.every((m: any) => m.enabled === false && m.default === true && m.all_orgs === true && typeof m.uuid === "string")).toBe(true);
    const nids = models.find((m: any) => m.name.startsWith("NIDS"));
    expect(nids.parameters).toMatchObject({ lifetime: 120, decay_speed: 2, threshold: 30, default_base_score: 80 });
    expect(nids.attribute_types).toContain("ip-dst");
  });

  it("adds a model that keeps its attribute types (MISP drops them)", async () => {
    const added = await server.call("POST", "/decayingModel/add", { DecayingModel: model() });
    expect(added.status).toBe(200);
    expect(added.json.action).toBe("add");
    const id = added.json.data.DecayingModel.id;
    const types = await server.call("GET", `/decayingModelMapping/viewAssociatedTypes/${id}`);
    expect(types.json.sort()).toEqual(["domain", "url"]);
    const view = await server.call("GET", `/decayingModel/view/${id}`);
    expect(view.json.DecayingModel).toMatchObject({ name: "Quick decay", default: false, isEditable: true, uuid: null });
    expect(view.json.DecayingModelMapping.map((m: any) => m.attribute_type).sort()).toEqual(["domain", "url"]);
  });

  it.each([
    [{ parameters: { lifetime: 0, decay_speed: 1, threshold: 20 } }, "parameters.lifetime"],
    [{ parameters: { lifetime: 10, decay_speed: 0, threshold: 20 } }, "parameters.decay_speed"],
    [{ parameters: { lifetime: 10, decay_speed: 1, threshold: "high" } }, "parameters.threshold"],
    [{ parameters: { lifetime: 10, decay_speed: 1, threshold: 20, base_score_config: { a: 0 } } }, "parameters.base_score_config"],
    [{ formula: "Linear" }, "formula"],
    [{ name: "" }, "name"],
    [{ parameters: "{broken" }, "parameters"],
  ])("refuses an invalid model %j with a 400 naming %s, and saves nothing", async (overrides, field) => {
    const before = (await server.call("GET", "/decayingModel/index")).json.length;
    const { status, json } = await server.call("POST", "/decayingModel/add", model(overrides));
    expect(status).toBe(400);
    expect(json.errors).toHaveProperty([field]);
    expect(json).toMatchObject({ name: expect.any(String), message: expect.any(String), url: "/decayingModel/add" });
    expect((await server.call("GET", "/decayingModel/index")).json.length).toBe(before);
  });

  it("edits only the fields a request names, and merges parameters key by key", async () => {
    const id = (await server.call("POST", "/decayingModel/add", model({ all_orgs: false }))).json.data.DecayingModel.id;
    const edited = await server.call("POST", `/decayingModel/edit/${id}`, { DecayingModel: { parameters: { threshold: 45 } } });
    expect(edited.status).toBe(200);
    const m = edited.json.data.DecayingModel;
    expect(m.parameters).toMatchObject({ lifetime: 10, decay_speed: 1, threshold: 45 });
    // MISP resets a missing all_orgs to 1 (sharing the model); Halflife leaves it alone.
    expect(m.all_orgs).toBe(false);
    expect(m.name).toBe("Quick decay");
  });

  it("lets only enabled and all_orgs change on a default model", async () => {
    const nids = (await server.call("GET", "/decayingModel/index/default_models:1")).json.find((m: any) => m.DecayingModel.name.startsWith("NIDS")).DecayingModel;
    const edited = await server.call("POST", `/decayingModel/edit/${nids.id}`, { DecayingModel: { enabled: 1, name: "Renamed", parameters: { threshold: 99 } } });
    expect(edited.json.data.DecayingModel).toMatchObject({ enabled: true, name: "NIDS Simple Decaying Model" });
    expect(edited.json.data.DecayingModel.parameters.threshold).toBe(30);
    await server.call("POST", `/decayingModel/disable/${nids.id}`);
  });

  it("refuses to delete a default model, and deletes a model of one's own", async () => {
    const nids = (await server.call("GET", "/decayingModel/index/default_models:1")).json[0].DecayingModel;
    expect((await server.call("POST", `/decayingModel/delete/${nids.id}`)).status).toBe(403);
    const id = (await server.call("POST", "/decayingModel/add", model())).json.data.DecayingModel.id;
    expect((await server.call("POST", `/decayingModel/delete/${id}`)).status).toBe(200);
    expect((await server.call("GET", `/decayingModel/view/${id}`)).status).toBe(404);
  });

  it("enables and disables a model with MISP's success body", async () => {
    const id = (await server.call("POST", "/decayingModel/add", model())).json.data.DecayingModel.id;
    const enabled = await server.call("POST", `/decayingModel/enable/${id}`);
    expect(enabled.json).toMatchObject({ saved: true, success: true, name: "Decaying model enabled", id: String(id) });
    expect(enabled.json.data.DecayingModel.enabled).toBe(true);
    const disabled = await server.call("POST", `/decayingModel/disable/${id}`);
    expect(disabled.json.data.DecayingModel.enabled).toBe(false);
  });

  it("exports without id, uuid or organisation, and imports the export back", async () => {
    const id = (await server.call("POST", "/decayingModel/add", model({ name: "Round trip" }))).json.data.DecayingModel.id;
    const exported = await server.call("GET", `/decayingModel/export/${id}.json`);
    expect(exported.json.DecayingModel).not.toHaveProperty("id");
    expect(exported.json.DecayingModel).not.toHaveProperty("uuid");
    expect(exported.json.DecayingModel).not.toHaveProperty("org_id");
    expect(exported.headers.get("content-disposition")).toContain("Round_trip.json");
    const imported = await server.call("POST", "/decayingModel/import", exported.json);
    expect(imported.status).toBe(200);
    const copy = imported.json.data[0].DecayingModel;
    expect(copy.id).not.toBe(String(id));
    expect(copy).toMatchObject({ name: "Round trip", default: false, parameters: exported.json.DecayingModel.parameters });
    expect(copy.attribute_types.sort()).toEqual(["domain", "url"]);
  });

  it.skipIf(!hasSharedData)("imports MISP's own model files, as JSON and as an uploaded file", async () => {
    for (const file of ["nids-simple-model.json", "phishing-model.json", "vishing-model.json"]) {
      const document = readSharedJson<Record<string, unknown>>("misp-decaying-models", file);
      const imported = await server.call("POST", "/decayingModel/import", document);
      expect(imported.status, JSON.stringify(imported.json)).toBe(200);
      const m = imported.json.data[0].DecayingModel;
      expect(m.uuid).toBeNull();
      expect(m.default).toBe(false);
      expect(m.attribute_types.sort()).toEqual([...(document.attribute_types as string[])].sort());
    }
    const form = new FormData();
    form.set("DecayingModel[submittedjson]", new Blob([JSON.stringify(readSharedJson("misp-decaying-models", "vishing-model.json"))]), "vishing.json");
    const response = await fetch(`${server.url}/decayingModel/import`, { method: "POST", headers: { Authorization: "TestAdminKey0000000000000000000000000001", Accept: "application/json" }, body: form });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data[0].DecayingModel.name).toBe("Vishing model");
  });

  it("refuses an import that is not a model", async () => {
    expect((await server.call("POST", "/decayingModel/import", undefined, { raw: "{not json" })).status).toBe(400);
    expect((await server.call("POST", "/decayingModel/import", { DecayingModel: { name: "x" } })).status).toBe(400);
  });

  it("replaces a model's types through linkAttributeTypeToModel, with MISP's JSON-string body", async () => {
    const id = (await server.call("POST", "/decayingModel/add", model())).json.data.DecayingModel.id;
    const linked = await server.call("POST", `/decayingModelMapping/linkAttributeTypeToModel/${id}`, { DecayingModelMapping: { attributetypes: JSON.stringify(["ip-src", "ip-dst"]) } });
    expect(linked.json).toEqual(["ip-src", "ip-dst"]);
    expect((await server.call("GET", `/decayingModelMapping/viewAssociatedTypes/${id}`)).json.sort()).toEqual(["ip-dst", "ip-src"]);
    expect((await server.call("POST", `/decayingModelMapping/linkAttributeTypeToModel/${id}`, { DecayingModelMapping: { attributetypes: "[]" } })).status).toBe(400);
  });

  it("re-applies the default models with update, and only site admins may", async () => {
    const updated = await server.call("POST", "/decayingModel/update");
    expect(updated.json).toMatchObject({ saved: true, unchanged: expect.arrayContaining(["Vishing model"]) });
    const forced = await server.call("POST", "/decayingModel/update/true");
    expect(forced.json.updated).toHaveLength(3);
    expect((await server.call("POST", "/decayingModel/update", undefined, { key: other.key })).status).toBe(403);
  });

  it("lists every model unpaged, unlike MISP's cap of 50", async () => {
    for (let i = 0; i < 52; i++) await server.call("POST", "/decayingModel/add", model({ name: `Bulk ${i}` }));
    expect((await server.call("GET", "/decayingModel/index")).json.length).toBeGreaterThan(52);
    expect((await server.call("GET", "/decayingModel/index/limit:5/page:2")).json).toHaveLength(5);
  });

  describe("between organisations", () => {
    it("hides a private model from another organisation (404), and shows shared ones", async () => {
      const privateId = (await server.call("POST", "/decayingModel/add", model({ name: "Private", all_orgs: 0 }))).json.data.DecayingModel.id;
      const sharedId = (await server.call("POST", "/decayingModel/add", model({ name: "Shared", all_orgs: 1 }))).json.data.DecayingModel.id;
      expect((await server.call("GET", `/decayingModel/view/${privateId}`, undefined, { key: other.key })).status).toBe(404);
      expect((await server.call("GET", `/decayingModel/export/${privateId}`, undefined, { key: other.key })).status).toBe(404);
      const names = (await server.call("GET", "/decayingModel/index", undefined, { key: other.key })).json.map((m: any) => m.DecayingModel.name);
      expect(names).not.toContain("Private");
      expect(names).toContain("Shared");
      const shared = await server.call("GET", `/decayingModel/view/${sharedId}`, undefined, { key: other.key });
      expect(shared.json.DecayingModel.isEditable).toBe(false);
    });

    it("refuses edits, enabling, mapping and deleting of another organisation's shared model (MISP lets edit through)", async () => {
      const id = (await server.call("POST", "/decayingModel/add", model({ name: "Not yours", all_orgs: 1 }))).json.data.DecayingModel.id;
      for (const [method, path, body] of [
        ["POST", `/decayingModel/edit/${id}`, { DecayingModel: { name: "Hijacked" } }],
        ["POST", `/decayingModel/enable/${id}`, undefined],
        ["POST", `/decayingModel/delete/${id}`, undefined],
        ["POST", `/decayingModelMapping/linkAttributeTypeToModel/${id}`, { DecayingModelMapping: { attributetypes: '["md5"]' } }],
      ] as const) {
        expect((await server.call(method, path, body, { key: other.key })).status, path).toBe(403);
      }
      expect((await server.call("GET", `/decayingModel/view/${id}`)).json.DecayingModel.name).toBe("Not yours");
    });

    it("needs perm_decaying (or admin rights) to add a model", async () => {
      expect((await server.call("POST", "/decayingModel/add", model(), { key: readOnly.key })).status).toBe(403);
      expect((await server.call("POST", "/decayingModel/add", model({ name: "By a user" }), { key: decayingUser.key })).status).toBe(200);
    });
  });

  it("lists the formulas, with plug-ins when there are some", async () => {
    const { json } = await server.call("GET", "/halflife/formulas");
    expect(json.map((f: any) => f.name)).toEqual(["Polynomial", "PolynomialExtended", "Sightings"]);
    expect(json[2]).toMatchObject({ family: "Sightings", requiresSightings: true, closedForm: true });
  });
});
