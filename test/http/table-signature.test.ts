// The table signature that the fuzz run and the refusal tests rely on: it must change with every
// committed write, whichever table it lands in, and with nothing else, on both stores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";
import { signatureChanges } from "../support/table-signature.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`the table signature on ${dialect.name}`, () => {
    let api: InProcessApp;
    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
    });
    afterAll(async () => {
      await api?.close();
    });

    it("changes with each committed write, naming the tables written", async () => {
      const before = await api.signature();
      expect(await api.signature()).toEqual(before);
      expect((await api.call("POST", "/tags/add", { name: `signature-${dialect.name}` })).status).toBe(200);
      const after = await api.signature();
      expect(signatureChanges(before, after)).toEqual([expect.stringMatching(/^tags: \d+ → \d+ rows$/)]);
      // An update that keeps the row count still shows.
      const tag = (await api.call("GET", `/tags/view/signature-${dialect.name}`)).json;
      expect((await api.call("POST", `/tags/edit/${tag.id}`, { colour: "#123456" })).status).toBe(200);
      expect(signatureChanges(after, await api.signature())).toHaveLength(1);
    });

    it("stays the same for refusals and for work that was rolled back", async () => {
      const before = await api.signature();
      expect((await api.call("POST", "/tags/add", { name: "" })).status).toBe(400);
      await expect(
        api.context.store.transaction(async (tx) => {
          await tx.orgs.create({ uuid: "00000000-0000-4000-8000-000000000099", name: "rolled back", description: "", local: true, created: 1 });
          throw new Error("roll it back");
        }),
      ).rejects.toThrow("roll it back");
      expect(await api.signature()).toEqual(before);
    });
  });
}
