// The web UI in a real browser: reporting a false positive from the event view, and a sweep's dry
// run, run and undo.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { browserAvailable, launchBrowser, loggedInPage, startServe, type ServeProcess } from "../support/browser.js";

describe.skipIf(!browserAvailable())("the web UI's events and sweeps, in Chromium", () => {
  let server: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServe(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("reports a false positive from the event view and shows the new count", async () => {
    const { page: p, errors, context } = await loggedInPage(browser, server);
    try {
      await p.goto(`${server.url}/events`);
      await p.getByRole("link", { name: /Credential phishing/ }).click();
      await p.getByRole("heading", { name: /Credential phishing/ }).waitFor();
      const row = p.locator("tr[data-attribute-id]", { hasText: "docs-share-review.example" });
      const attributeId = (await row.getAttribute("data-attribute-id"))!;
      const before = Number(await row.getByTestId("fp-count").textContent());
      // The decay scores and the tags' numerical values are on the page.
      await row.locator(".score").first().waitFor();
      await expect(p.locator(".event-tags").textContent()).resolves.toContain("100");

      await row.getByRole("button", { name: /false positive for docs-share-review\.example/ }).click();
      await p.getByText("False positive reported on domain docs-share-review.example.").waitFor();
      await p.locator(`tr[data-attribute-id="${attributeId}"] [data-testid=fp-count]`, { hasText: String(before + 1) }).waitFor();

      const listed = await server.api("POST", `/sightings/listSightings/${attributeId}/attribute`);
      expect(listed.json.filter((s: any) => s.Sighting.type === "1")).toHaveLength(before + 1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
