// Paging through attributes/restSearch against a loopback server that pages like MISP, including
// the pitfall that the remote sweep must avoid.
import { afterEach, describe, expect, it } from "vitest";
import { MispClient, type MispAttribute } from "../../src/misp/client.js";
import { sendJson, startHttpServer, type Handler, type TestHttpServer } from "../support/http-server.js";

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

function attributes(count: number): MispAttribute[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(i + 1),
    event_id: "1",
    uuid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
    type: "domain",
    value: `host${i + 1}.example`,
    to_ids: true,
  }));
}

/** A tiny MISP: restSearch filters on to_ids and pages by page/limit in id order; edit changes a row. */
function pagingMisp(rows: MispAttribute[]): Handler {
  return (request, response) => {
    const body = (request.json ?? {}) as { to_ids?: unknown; page?: number; limit?: number; to_ids_value?: unknown };
    if (request.path === "/attributes/restSearch") {
      let matching = rows;
      if (body.to_ids !== undefined) matching = rows.filter((row) => Boolean(row.to_ids) === Boolean(Number(body.to_ids)));
      if (body.limit !== undefined) {
        const start = ((body.page ?? 1) - 1) * body.limit;
        matching = matching.slice(start, start + body.limit);
      }
      sendJson(response, 200, { response: { Attribute: matching } });
      return;
    }
    const edit = /^\/attributes\/edit\/(.+)$/.exec(request.path);
    const row = edit ? rows.find((candidate) => candidate.id === edit[1] || candidate.uuid === edit[1]) : undefined;
    if (row) {
      Object.assign(row, request.json);
      sendJson(response, 200, { Attribute: row });
      return;
    }
    sendJson(response, 404, { name: "Invalid attribute", message: "Invalid attribute", url: request.path });
  };
}

async function setup(handler: Handler): Promise<{ misp: TestHttpServer; api: MispClient }> {
  const misp = await startHttpServer(handler);
  const api = new MispClient({ baseUrl: misp.url, key: "test-key", retries: 0 });
  open.push(misp, api);
  return { misp, api };
}

async function collect(pages: AsyncIterable<{ page: number; attributes: MispAttribute[] }>): Promise<Array<[number, string[]]>> {
  const seen: Array<[number, string[]]> = [];
  for await (const { page, attributes: rows } of pages) seen.push([page, rows.map((row) => row.id)]);
  return seen;
}

describe("paging through attributes", () => {
  it("yields every page until a short one, sending page and limit", async () => {
    const { misp, api } = await setup(pagingMisp(attributes(5)));
    expect(await collect(api.pageAttributes({ to_ids: 1 }, { pageSize: 2 }))).toEqual([
      [1, ["1", "2"]],
      [2, ["3", "4"]],
      [3, ["5"]],
    ]);
    expect(misp.requests.map((request) => request.json)).toEqual([
      { returnFormat: "json", to_ids: 1, page: 1, limit: 2 },
      { returnFormat: "json", to_ids: 1, page: 2, limit: 2 },
      { returnFormat: "json", to_ids: 1, page: 3, limit: 2 },
    ]);
  });

  it("asks for one more page when the last one is exactly full, and yields no empty page", async () => {
    const { misp, api } = await setup(pagingMisp(attributes(4)));
    expect(await collect(api.pageAttributes({}, { pageSize: 2 }))).toEqual([
      [1, ["1", "2"]],
      [2, ["3", "4"]],
    ]);
    expect(misp.requests).toHaveLength(3);
  });

  it("stops after one answer when the server ignores limit and sends everything", async () => {
    const { misp, api } = await setup((_request, response) => sendJson(response, 200, { response: { Attribute: attributes(7) } }));
    expect(await collect(api.pageAttributes({}, { pageSize: 3 }))).toEqual([[1, ["1", "2", "3", "4", "5", "6", "7"]]]);
    expect(misp.requests).toHaveLength(1);
  });

  it("fails instead of looping when the server ignores page", async () => {
    const { api } = await setup((_request, response) => sendJson(response, 200, { response: { Attribute: attributes(2) } }));
    await expect(collect(api.pageAttributes({}, { pageSize: 2 }))).rejects.toMatchObject({ code: "UPSTREAM" });
  });

  it("refuses a page size below 1", async () => {
    const { api } = await setup(pagingMisp([]));
    await expect(collect(api.pageAttributes({}, { pageSize: 0 }))).rejects.toMatchObject({ code: "INVALID_INPUT", field: "pageSize" });
  });

  it("skips rows when flags are flipped while paging on that flag (the pitfall)", async () => {
    const rows = attributes(6);
    const { api } = await setup(pagingMisp(rows));
    const visited: string[] = [];
    for await (const page of api.pageAttributes({ to_ids: 1 }, { pageSize: 2 })) {
      for (const row of page.attributes) {
        visited.push(row.id);
        await api.editAttribute(row.uuid, { to_ids: false });
      }
    }
    // Page 2 is computed after rows 1 and 2 left the result: it starts at row 5.
    expect(visited).toEqual(["1", "2", "5", "6"]);
    expect(rows.filter((row) => row.to_ids).map((row) => row.id)).toEqual(["3", "4"]);
  });

  it("visits every row when the ids are collected first and changed afterwards", async () => {
    const rows = attributes(6);
    const { api } = await setup(pagingMisp(rows));
    const ids: string[] = [];
    for await (const page of api.pageAttributes({ to_ids: 1 }, { pageSize: 2 })) ids.push(...page.attributes.map((row) => row.uuid));
    for (const uuid of ids) await api.editAttribute(uuid, { to_ids: false });
    expect(ids).toHaveLength(6);
    expect(rows.every((row) => row.to_ids === false)).toBe(true);
  });
});
