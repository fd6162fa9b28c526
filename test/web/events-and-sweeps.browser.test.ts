// The web UI in a real browser: reporting a false positive from the event view, and a sweep's dry
// run, run and undo.
import { describe, expect, it } from "vitest";
import { browserAvailable, loggedInPage, serveAndBrowser } from "../support/browser.js";

describe.skipIf(!browserAvailable())("the web UI's events and sweeps, in Chromium", () => {
  const rig = serveAndBrowser();

  it("reports a false positive from the event view and shows the new count", async () => {
    const { page: p, errors, context } = await loggedInPage(rig.browser, rig.server);
    try {
      await p.goto(`${rig.server.url}/events`);
      await p.getByRole("link", { name: /Credential phishing/ }).click();
      await p.getByRole("heading", { name: /Credential phishing/ }).waitFor();
      const row = p.locator("tr[data-attribute-id]", { hasText: "docs-share-review.example" });
      const attributeId = (await row.getAttribute("data-attribute-id"))!;
      const before = Number(await row.getByTestId("fp-count").textContent());
      // The decay scores and the tags' numerical values are on the page.
      await row.locator(".score").first().waitFor();
      await expect.poll(() => p.locator(".event-tags").textContent()).toContain("100");

      await row.getByRole("button", { name: /false positive for docs-share-review\.example/ }).click();
      await p.getByText("False positive reported on domain docs-share-review.example.").waitFor();
      await p.locator(`tr[data-attribute-id="${attributeId}"] [data-testid=fp-count]`, { hasText: String(before + 1) }).waitFor();

      const listed = await rig.server.api("POST", `/sightings/listSightings/${attributeId}/attribute`);
      expect(listed.json.filter((s: any) => s.Sighting.type === "1")).toHaveLength(before + 1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("runs a sweep's dry run, then the sweep, then undoes it, and to_ids comes back", async () => {
    const { page: p, errors, context } = await loggedInPage(rig.browser, rig.server);
    const toIds = async (id: string) => {
      const answer = await rig.server.api("GET", `/attributes/view/${id}`);
      return answer.json.Attribute.to_ids as boolean;
    };
    const listedIds = () => p.locator("tr[data-attribute-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-attribute-id")!).sort());
    try {
      await p.goto(`${rig.server.url}/sweeps`);
      await p.getByRole("button", { name: "Dry run" }).click();
      await p.getByRole("heading", { name: "What would change" }).waitFor();
      const wouldChange = await listedIds();
      expect(wouldChange.length).toBeGreaterThan(0);
      for (const id of wouldChange) expect(await toIds(id)).toBe(true);

      await p.getByRole("link", { name: "All runs" }).click();
      await p.getByRole("button", { name: "Run", exact: true }).click();
      await p.getByRole("dialog").getByRole("button", { name: "Run the sweep" }).click();
      await p.getByRole("heading", { name: "What changed" }).waitFor();
      const sweepUrl = p.url();
      expect(await listedIds()).toEqual(wouldChange);
      for (const id of wouldChange) expect(await toIds(id)).toBe(false);

      // The event view says so too.
      const first = wouldChange[0]!;
      const eventLink = p.locator(`[data-event-id]:has(tr[data-attribute-id="${first}"]) h3 a`);
      await eventLink.click();
      await expect.poll(() => p.locator(`tr[data-attribute-id="${first}"] [data-testid=to-ids]`).textContent()).toBe("No");

      await p.goto(sweepUrl);
      await p.getByRole("button", { name: "Undo this run" }).click();
      await p.getByRole("dialog").getByRole("button", { name: "Undo the run" }).click();
      await p.getByRole("heading", { name: "What was restored" }).waitFor();
      expect(await listedIds()).toEqual(wouldChange);
      for (const id of wouldChange) expect(await toIds(id)).toBe(true);

      await p.goto(sweepUrl);
      await p.getByText(/This run was undone by run \d+/).waitFor();
      await expect.poll(() => p.getByRole("button", { name: "Undo this run" }).count()).toBe(0);
      await p.getByRole("link", { name: "All runs" }).click();
      // The list loads after the click: wait for the third run's row rather than counting at once.
      await p.locator("tr[data-run-id]").nth(2).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
