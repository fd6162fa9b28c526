// MISP's administration API as PyMISP calls it (organisations, users, roles, auth keys), with the
// answers it reads, and MISP's rules of who may manage whom, on both stores.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

const unique = () => randomUUID().slice(0, 8);

for (const dialect of dialects) describe.skipIf(!dialect.available)(`the administration API, on ${dialect.name}`, () => {
  let api: InProcessApp;

  beforeAll(async () => {
    api = await startInProcess({ dialect: dialect.name });
  });
  afterAll(async () => {
    await api?.close();
  });

  async function addOrg(name = `Org ${unique()}`) {
    const answer = await api.call("POST", "/admin/organisations/add", { Organisation: { name } });
    expect(answer.status, answer.text).toBe(200);
    return answer.json.Organisation;
  }

  async function addUser(orgId: string, roleId?: number, key?: string) {
    const answer = await api.call("POST", "/admin/users/add", { User: { email: `u-${unique()}@example.test`, org_id: orgId, ...(roleId ? { role_id: roleId } : {}) } }, key === undefined ? {} : { key });
    expect(answer.status, answer.text).toBe(200);
    return answer.json.User;
  }

  it("adds, finds, changes and deletes an organisation as PyMISP does", async () => {
    const name = `Test Org ${unique()}`;
    const added = await api.call("POST", "/admin/organisations/add", { Organisation: { name, sector: "finance", restricted_to_domain: ["example.test"] } });
    expect(added.status).toBe(200);
    expect(added.json.Organisation).toMatchObject({ name, sector: "finance", local: true, restricted_to_domain: ["example.test"], created_by: "1" });
    const id = added.json.Organisation.id;

    const search = await api.call("GET", `/organisations/index/scope:local/searchall:${encodeURIComponent(name)}`);
    expect(search.json.map((o: any) => o.Organisation.name)).toEqual([name]);
    expect((await api.call("GET", `/organisations/view/${id}`)).json.Organisation.uuid).toBe(added.json.Organisation.uuid);
    expect((await api.call("HEAD", `/organisations/view/${added.json.Organisation.uuid}`)).status).toBe(200);

    const edited = await api.call("POST", `/admin/organisations/edit/${id}`, { Organisation: { ...added.json.Organisation, name: `${name} renamed` } });
    expect(edited.json.Organisation).toMatchObject({ name: `${name} renamed`, sector: "finance" });

    const deleted = await api.call("POST", `/admin/organisations/delete/${id}`);
    expect(deleted.json).toMatchObject({ saved: true, success: true, name: "Organisation deleted", id });
    expect((await api.call("GET", `/organisations/view/${id}`)).status).toBe(404);
  });

  it("keeps an organisation that still has users, and the host organisation", async () => {
    const org = await addOrg();
    const user = await addUser(org.id);
    const refused = await api.call("POST", `/admin/organisations/delete/${org.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toBe("The organisation still has 1 user; move or delete them first.");
    expect((await api.call("POST", `/admin/users/delete/${user.id}`)).json.name).toBe("User deleted.");
    expect((await api.call("POST", `/admin/organisations/delete/${org.id}`)).status).toBe(200);
    expect((await api.call("POST", "/admin/organisations/delete/1")).status).toBe(403);
  });

  it("adds a user with the default role and answers their first key once, in authkey", async () => {
    const org = await addOrg();
    const user = await addUser(org.id);
    expect(user).toMatchObject({ org_id: org.id, role_id: "3", disabled: false, autoalert: false, nids_sid: "4000000" });
    expect(user.authkey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(user.password).toBeUndefined();
    const me = await api.call("GET", "/users/view/me", undefined, { key: user.authkey });
    expect(me.json.User.email).toBe(user.email);
    expect(me.json.Role).toMatchObject({ id: "3", name: "User", perm_add: true, perm_site_admin: false, permission: "2" });
    expect(me.json.Organisation.name).toBe(org.name);
    expect(me.json.User.authkey).toBeUndefined();
  });

  it("lists users by part of an e-mail address and by organisation", async () => {
    const org = await addOrg();
    const user = await addUser(org.id);
    const byValue = await api.call("GET", `/admin/users/index/value:${encodeURIComponent(user.email)}`);
    expect(byValue.json).toHaveLength(1);
    expect(byValue.json[0]).toMatchObject({ User: { email: user.email }, Organisation: { id: org.id, name: org.name }, Role: { id: "3" } });
    const byOrg = await api.call("GET", `/admin/users/index/value:${encodeURIComponent(user.email)}/searchorg:${org.id}`);
    expect(byOrg.json.map((u: any) => u.User.id)).toEqual([user.id]);
  });

  it("changes a user's e-mail, role and settings, and keeps what it was not given", async () => {
    const org = await addOrg();
    const user = await addUser(org.id);
    const fetched = (await api.call("GET", "/users/view/me", undefined, { key: user.authkey })).json.User;
    const edited = await api.call("POST", `/admin/users/edit/${user.id}`, { ...fetched, email: `renamed-${unique()}@example.test`, role_id: "4", autoalert: true });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json.User).toMatchObject({ role_id: "4", autoalert: true, org_id: org.id });
    const own = await api.call("POST", "/users/edit", { User: { nids_sid: "5000000", role_id: 1, email: "evil@example.test" } }, { key: user.authkey });
    expect(own.json.User).toMatchObject({ nids_sid: "5000000", role_id: "4", email: edited.json.User.email });
  });

  it("adds, changes and deletes roles, and sets the default role", async () => {
    const added = await api.call("POST", "/admin/roles/add", { Role: { name: `testrole ${unique()}` } });
    expect(added.json.Role).toMatchObject({ perm_sighting: false, perm_add: false, default_role: false, permission: "0" });
    const updated = await api.call("POST", `/admin/roles/edit/${added.json.Role.id}`, { Role: { ...added.json.Role, perm_sighting: true, max_execution_time: 1234 } });
    expect(updated.json.Role).toMatchObject({ perm_sighting: true, max_execution_time: "1234" });
    expect((await api.call("POST", "/admin/roles/set_default/4")).json.message).toBe("Default role set.");
    const org = await addOrg();
    expect((await addUser(org.id)).role_id).toBe("4");
    await api.call("POST", "/admin/roles/set_default/3");
    const roles = (await api.call("GET", "/roles/index")).json;
    expect(roles.filter((r: any) => r.Role.default_role).map((r: any) => r.Role.id)).toEqual(["3"]);
    expect((await api.call("POST", "/admin/roles/delete/3")).status).toBe(409);
    expect((await api.call("POST", `/admin/roles/delete/${added.json.Role.id}`)).json.name).toBe("Role deleted");
  });

  it("never leaves the instance without an enabled site admin", async () => {
    const demote = await api.call("POST", "/admin/users/edit/1", { User: { role_id: 3 } });
    expect(demote.status).toBe(409);
    expect((await api.call("POST", "/admin/users/edit/1", { User: { disabled: true } })).status).toBe(409);
    expect((await api.call("POST", "/admin/roles/edit/1", { Role: { perm_site_admin: false } })).status).toBe(409);
    expect((await api.call("POST", "/admin/users/delete/1")).status).toBe(403);
    expect((await api.call("GET", "/users/view/me")).json.Role.perm_site_admin).toBe(true);
  });

  it("mints, lists, shows and revokes API keys", async () => {
    const org = await addOrg();
    const user = await addUser(org.id);
    const added = await api.call("POST", "/auth_keys/add/me", { comment: "cron" }, { key: user.authkey });
    expect(added.status, added.text).toBe(200);
    const raw = added.json.AuthKey.authkey_raw;
    expect(raw).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(added.json.AuthKey).toMatchObject({ user_id: user.id, comment: "cron", authkey_start: raw.slice(0, 4), authkey_end: raw.slice(-4), expiration: "0" });
    const listed = (await api.call("GET", "/auth_keys/index", undefined, { key: raw })).json;
    expect(listed.map((k: any) => k.AuthKey.id).sort()).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(raw);
    expect((await api.call("GET", `/auth_keys/view/${added.json.AuthKey.uuid}`, undefined, { key: raw })).json.AuthKey.id).toBe(added.json.AuthKey.id);
    expect((await api.call("POST", `/auth_keys/delete/${added.json.AuthKey.id}`, undefined, { key: user.authkey })).status).toBe(200);
    expect((await api.call("GET", "/users/view/me", undefined, { key: raw })).status).toBe(403);
  });

  it("refuses bad administration input with the field named and nothing written", async () => {
    const before = await api.counts();
    const cases: Array<[string, unknown, string]> = [
      ["/admin/users/add", { User: { email: "not an address" } }, "email"],
      ["/admin/users/add", { User: { email: `x-${unique()}@example.test`, role_id: "abc" } }, "User.role_id"],
      ["/admin/users/add", { User: { email: `x-${unique()}@example.test`, role_id: 99 } }, "role_id"],
      ["/admin/users/add", { User: { email: `x-${unique()}@example.test`, gpgkey: { nested: 1 } } }, "User.gpgkey"],
      ["/admin/organisations/add", { Organisation: { name: "" } }, "name"],
      ["/admin/organisations/add", { Organisation: { name: "x", restricted_to_domain: ["no spaces allowed"] } }, "Organisation.restricted_to_domain.0"],
      ["/admin/roles/add", { Role: { name: "r", perm_add: "maybe" } }, "Role.perm_add"],
      ["/admin/roles/add", { Role: { name: "r", permission: 7 } }, "Role.permission"],
      ["/auth_keys/add/me", { expiration: "tomorrow" }, "AuthKey.expiration"],
    ];
    for (const [path, body, field] of cases) {
      const answer = await api.call("POST", path, body);
      expect(answer.status, `${path} ${answer.text}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(Object.keys(answer.json.errors ?? {}), `${path} ${answer.text}`).toContain(field);
    }
    expect(await api.counts()).toEqual(before);
  });

  it("holds an organisation's users to its e-mail domains", async () => {
    const org = (await api.call("POST", "/admin/organisations/add", { Organisation: { name: `Domain ${unique()}`, restricted_to_domain: "cert.example\npartner.example" } })).json.Organisation;
    const refused = await api.call("POST", "/admin/users/add", { User: { email: `a-${unique()}@gmail.test`, org_id: org.id } });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toContain("cert.example, partner.example");
    expect((await api.call("POST", "/admin/users/add", { User: { email: `a-${unique()}@cert.example`, org_id: org.uuid } })).status).toBe(200);
  });

  describe("who may manage whom", () => {
    let host: { orgAdmin: string; user: string; userId: number };
    let other: { orgAdmin: string; orgAdminId: number; user: string; userId: number; orgId: number };

    beforeAll(async () => {
      const hostOrg = (await api.call("GET", "/organisations/view/1")).json.Organisation.name;
      const orgAdmin = await api.addUser({ org: hostOrg, role: "Org Admin" });
      const user = await api.addUser({ org: hostOrg, role: "User" });
      host = { orgAdmin: orgAdmin.key, user: user.key, userId: user.principal.user.id };
      const otherOrg = `Other ${unique()}`;
      const otherAdmin = await api.addUser({ org: otherOrg, role: "Org Admin" });
      const otherUser = await api.addUser({ org: otherOrg, role: "User" });
      other = { orgAdmin: otherAdmin.key, orgAdminId: otherAdmin.principal.user.id, user: otherUser.key, userId: otherUser.principal.user.id, orgId: otherUser.principal.org.id };
    });

    it("an organisation admin cannot mint, list or revoke the site admin's keys", async () => {
      for (const path of ["/halflife/users/1/keys", "/auth_keys/add/1"]) {
        const answer = await api.call("POST", path, {}, { key: host.orgAdmin });
        expect(answer.status, `${path} ${answer.text}`).toBe(403);
      }
      expect((await api.call("GET", "/halflife/users/1/keys", undefined, { key: host.orgAdmin })).status).toBe(403);
      expect((await api.call("GET", "/auth_keys/index/1", undefined, { key: host.orgAdmin })).json).toEqual([]);
      expect((await api.call("POST", "/halflife/keys/1/revoke", undefined, { key: host.orgAdmin })).status).toBe(404);
      expect((await api.call("POST", "/auth_keys/delete/1", undefined, { key: host.orgAdmin })).status).toBe(404);
      expect((await api.call("GET", "/users/view/me")).status).toBe(200);
    });

    it("an organisation admin cannot touch another organisation's users, or another admin", async () => {
      expect((await api.call("POST", `/halflife/users/${other.userId}/keys`, {}, { key: host.orgAdmin })).status).toBe(404);
      expect((await api.call("POST", `/halflife/users/${other.orgAdminId}/keys`, {}, { key: host.orgAdmin })).status).toBe(404);
      expect((await api.call("GET", `/admin/users/view/${other.userId}`, undefined, { key: host.orgAdmin })).status).toBe(404);
      expect((await api.call("POST", `/admin/users/edit/${other.userId}`, { User: { disabled: true } }, { key: host.orgAdmin })).status).toBe(404);
      expect((await api.call("POST", `/admin/users/delete/${other.userId}`, undefined, { key: host.orgAdmin })).status).toBe(404);
      const hostAdmins = (await api.call("GET", "/admin/users/index", undefined, { key: host.orgAdmin })).json;
      expect(hostAdmins.every((u: any) => u.Organisation.id === "1")).toBe(true);
      // The site admin is in the same organisation: visible, but not theirs to manage.
      expect((await api.call("POST", "/admin/users/edit/1", { User: { email: "taken@example.test" } }, { key: host.orgAdmin })).status).toBe(403);
    });

    it("an organisation admin manages its own organisation's users, within its own organisation and roles", async () => {
      const minted = await api.call("POST", `/auth_keys/add/${host.userId}`, {}, { key: host.orgAdmin });
      expect(minted.status, minted.text).toBe(200);
      expect((await api.call("GET", "/users/view/me", undefined, { key: minted.json.AuthKey.authkey_raw })).json.User.id).toBe(String(host.userId));
      expect((await api.call("POST", `/admin/users/edit/${host.userId}`, { User: { role_id: 1 } }, { key: host.orgAdmin })).status).toBe(403);
      expect((await api.call("POST", `/admin/users/edit/${host.userId}`, { User: { role_id: 5 } }, { key: host.orgAdmin })).status).toBe(403);
      expect((await api.call("POST", `/admin/users/edit/${host.userId}`, { User: { org_id: other.orgId } }, { key: host.orgAdmin })).status).toBe(403);
      expect((await api.call("POST", `/admin/users/edit/${host.userId}`, { User: { role_id: 4 } }, { key: host.orgAdmin })).json.User.role_id).toBe("4");
      const added = await api.call("POST", "/admin/users/add", { User: { email: `new-${unique()}@example.test`, org_id: other.orgId } }, { key: host.orgAdmin });
      expect(added.status).toBe(403);
      const own = await api.call("POST", "/admin/users/add", { User: { email: `new-${unique()}@example.test` } }, { key: host.orgAdmin });
      expect(own.json.User.org_id).toBe("1");
    });

    it("a user sees and keys only itself, and administers nothing", async () => {
      // Other users are hidden from a user: the same answer whoever they are.
      expect((await api.call("POST", "/auth_keys/add/1", {}, { key: host.user })).status).toBe(404);
      expect((await api.call("POST", `/auth_keys/add/${other.userId}`, {}, { key: host.user })).status).toBe(404);
      expect((await api.call("GET", "/admin/users/view/1", undefined, { key: host.user })).status).toBe(404);
      expect((await api.call("GET", "/admin/users/index", undefined, { key: host.user })).json.map((u: any) => u.User.id)).toEqual([String(host.userId)]);
      for (const [path, body] of [
        ["/admin/organisations/add", { name: "x" }],
        ["/admin/organisations/edit/1", { name: "x" }],
        ["/admin/roles/add", { name: "x" }],
        ["/admin/roles/set_default/6", {}],
        ["/admin/users/add", { email: `x-${unique()}@example.test` }],
      ] as const) {
        expect((await api.call("POST", path, body, { key: host.user })).status, path).toBe(403);
      }
      // Reading organisations and roles is everyone's, as in MISP.
      expect((await api.call("GET", "/organisations/index", undefined, { key: host.user })).status).toBe(200);
      expect((await api.call("GET", "/roles/index", undefined, { key: host.user })).status).toBe(200);
    });
  });
});
