// The web UI in a real browser: logging in and out, building a model in the model tool by dragging
// its curve and threshold, and what a user of another organisation may see and change.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable, loggedInPage, newPage, serveAndBrowser } from "../support/browser.js";
import { temporaryFolder } from "../support/temp.js";

const DAY_HOURS = 24;
/** "N days and M hours", computed independently of the UI's own code. */
function daysAndHours(days: number): string {
  const hours = Math.round(days * DAY_HOURS);
  const d = Math.floor(hours / DAY_HOURS);
  const h = hours % DAY_HOURS;
  return `${d} day${d === 1 ? "" : "s"} and ${h} hour${h === 1 ? "" : "s"}`;
}

describe.skipIf(!browserAvailable())("the web UI's login and models, in Chromium", () => {
  const rig = serveAndBrowser({ env: { HALFLIFE_FORMULA_DIR: new URL("../../examples/formulas", import.meta.url).pathname } });

  async function page(key?: string): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
    const opened = key === undefined ? await newPage(rig.browser) : await loggedInPage(rig.browser, rig.server, key);
    return { page: opened.page, errors: opened.errors, close: () => opened.context.close() };
  }

  it("logs in with an API key, refuses a wrong one, and logs out", async () => {
    const { page: p, errors, close } = await page();
    try {
      await p.goto(`${rig.server.url}/models`);
      await p.getByLabel("API key").fill("W".repeat(40));
      await p.getByRole("button", { name: "Log in" }).click();
      await expect.poll(() => p.getByRole("alert").textContent()).toMatch(/Authentication failed/);

      await p.getByLabel("API key").fill(rig.server.adminKey);
      await p.getByRole("button", { name: "Log in" }).click();
      await p.getByRole("heading", { name: "Decaying models" }).waitFor();
      await expect.poll(() => p.locator(".who").textContent()).toContain("admin@halflife.test");
      const cookies = await p.context().cookies();
      expect(cookies.find((c) => c.name === "halflife_session")).toMatchObject({ httpOnly: true, sameSite: "Strict" });

      // A reload keeps the session; logging out ends it, and a reload shows the login again.
      await p.reload();
      await p.getByRole("heading", { name: "Decaying models" }).waitFor();
      await p.getByRole("button", { name: "Log out" }).click();
      await p.getByLabel("API key").waitFor();
      await p.reload();
      await p.getByLabel("API key").waitFor();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("creates a model by dragging the curve and the threshold, saves it, and finds it in the list", async () => {
    const { page: p, errors, close } = await page(rig.server.adminKey);
    try {
      await p.goto(`${rig.server.url}/models`);
      await p.getByRole("link", { name: "Model tool" }).click();
      await p.getByRole("heading", { name: "Model tool: new model" }).waitFor();
      // The formula picker lists the plug-in formula next to the built-in ones.
      await p.getByRole("radio", { name: /Exponential/ }).waitFor();
      await expect.poll(() => p.getByTestId("lifetime").inputValue()).toBe("30");

      const area = (await p.locator("[data-testid=decay-chart] .u-over").boundingBox())!;
      const yFor = (score: number) => area.y + (1 - score / 100) * area.height;
      const xFor = (days: number) => area.x + (days / 30) * area.width;

      // Threshold: drag its dot to the height of a score of 45.
      const threshold = (await p.getByTestId("threshold-handle").boundingBox())!;
      await p.mouse.move(threshold.x + threshold.width / 2, threshold.y + threshold.height / 2);
      await p.mouse.down();
      await p.mouse.move(threshold.x + threshold.width / 2, yFor(45), { steps: 5 });
      await p.mouse.up();
      const thresholdValue = Number(await p.getByTestId("threshold").inputValue());
      expect(Math.abs(thresholdValue - 45)).toBeLessThanOrEqual(1);
      await expect.poll(() => p.getByTestId("threshold-handle").getAttribute("aria-valuenow")).toBe(String(thresholdValue));

      // Curve: drag its handle through (15 days, score 50), which takes a decay speed of 1.
      const handle = (await p.getByTestId("curve-handle").boundingBox())!;
      await p.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await p.mouse.down();
      await p.mouse.move(xFor(15), yFor(50), { steps: 8 });
      await p.mouse.up();
      const speed = Number(await p.getByTestId("decay-speed").inputValue());
      expect(Math.abs(speed - 1)).toBeLessThanOrEqual(0.05);

      // The figures follow: expires after τ(1 − θ/100)^δ, half-life at the midpoint above θ.
      const expires = 30 * Math.pow(1 - thresholdValue / 100, speed);
      const half = 30 * Math.pow(1 - ((100 - thresholdValue) / 2 + thresholdValue) / 100, speed);
      await expect.poll(() => p.getByTestId("expires-after").textContent()).toBe(daysAndHours(expires));
      await expect.poll(() => p.getByTestId("half-life").textContent()).toBe(daysAndHours(half));

      // Types: search the list and tick one.
      await p.getByRole("tab", { name: "Attribute types" }).click();
      await p.getByLabel("Search attribute types").fill("ip-dst");
      await p.getByRole("checkbox", { name: /^ip-dst / }).check();

      const name = `Dragged model ${Date.now()}`;
      await p.getByLabel("Name").fill(name);
      await p.getByLabel("Description").fill("Made by dragging the curve");
      await p.getByRole("button", { name: "Save as new" }).click();
      await p.getByText(/Saved as model \d+/).waitFor();
      const id = /\/models\/(\d+)\/edit/.exec(p.url())?.[1];
      expect(id).toBeDefined();

      const saved = await rig.server.api("GET", `/decayingModel/view/${id}`);
      expect(saved.json.DecayingModel).toMatchObject({ name, description: "Made by dragging the curve", formula: "Polynomial", all_orgs: false });
      expect(saved.json.DecayingModel.parameters).toMatchObject({ lifetime: 30, threshold: thresholdValue, decay_speed: speed });
      expect(saved.json.DecayingModel.attribute_types).toEqual(["ip-dst"]);

      await p.getByRole("link", { name: "Models", exact: true }).click();
      await p.getByRole("button", { name: "Mine" }).click();
      await p.waitForURL(/filter=mine/);
      await p.locator('[aria-pressed="true"]', { hasText: "Mine" }).waitFor();
      const row = p.locator(`tr[data-model-id="${id}"]`);
      await expect.poll(() => row.locator("td").nth(1).textContent()).toBe(name);
      await expect.poll(() => row.textContent()).toContain("Disabled");
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("exports a model as a file and imports that file back as a new model", async () => {
    const { page: p, errors, close } = await page(rig.server.adminKey);
    try {
      await p.goto(`${rig.server.url}/models?filter=default`);
      const row = p.locator("tr[data-model-id]", { hasText: "Vishing model" });
      const [download] = await Promise.all([p.waitForEvent("download"), row.getByRole("button", { name: /^Export/ }).click()]);
      expect(download.suggestedFilename()).toBe("vishing-model.json");
      const file = path.join(temporaryFolder("export"), download.suggestedFilename());
      await download.saveAs(file);
      const exported = JSON.parse(readFileSync(file, "utf8"));
      expect(exported.DecayingModel.name).toBe("Vishing model");

      await p.getByRole("link", { name: "Import" }).click();
      await p.getByLabel("Model file").setInputFiles(file);
      // The file is read in the browser, then shown for review before it is sent.
      await p.waitForFunction("document.getElementById('import-json').value.includes('Vishing model')");
      await p.getByRole("button", { name: "Import", exact: true }).click();
      await p.waitForURL(/\/models\/\d+$/);
      await p.getByRole("heading", { name: "Vishing model" }).waitFor();
      const id = /\/models\/(\d+)$/.exec(p.url())![1]!;
      const imported = await rig.server.api("GET", `/decayingModel/view/${id}`);
      expect(imported.json.DecayingModel).toMatchObject({ name: "Vishing model", default: false, isEditable: true });
      expect(imported.json.DecayingModel.parameters).toMatchObject({ lifetime: 10, decay_speed: 2.3, threshold: 30 });
      expect(imported.json.DecayingModel.attribute_types.sort()).toEqual(["phone-number", "prtn"]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("keeps another organisation's private model out of a user's sight and reach", async () => {
    const created = await rig.server.api("POST", "/decayingModel/add", {
      DecayingModel: { name: "Host private model", all_orgs: 0, parameters: { lifetime: 10, decay_speed: 1, threshold: 20, default_base_score: 50 } },
    });
    expect(created.status).toBe(200);
    const id = created.json.data.DecayingModel.id as string;

    const { page: p, errors, close } = await page(rig.server.partnerKey);
    try {
      await p.goto(`${rig.server.url}/models`);
      await expect.poll(() => p.locator(".who").textContent()).toContain("Partner CERT");
      await p.locator("tr[data-model-id]").first().waitFor();
      await expect.poll(() => p.locator("table").textContent()).not.toContain("Host private model");
      // Shared default models are visible but not changeable by this user.
      const row = p.locator("tr[data-model-id]").first();
      await expect.poll(() => row.getByRole("button", { name: /^(Disable|Enable|Delete)/ }).count()).toBe(0);

      await p.goto(`${rig.server.url}/models/${id}`);
      await expect.poll(() => p.getByRole("alert").textContent()).toMatch(/No Decaying Model|not found|exist/i);
      await p.goto(`${rig.server.url}/models/${id}/edit`);
      await p.getByRole("alert").waitFor();

      // Changes made with this session are refused too, CSRF token and all.
      const answer = await p.evaluate(async (modelId) => {
        const me = (await (await fetch("/halflife/session")).json()) as { csrf_token: string };
        const response = await fetch(`/decayingModel/edit/${modelId}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Halflife-CSRF": me.csrf_token },
          body: JSON.stringify({ DecayingModel: { all_orgs: 1 } }),
        });
        return response.status;
      }, id);
      expect([403, 404]).toContain(answer);
      const after = await rig.server.api("GET", `/decayingModel/view/${id}`);
      expect(after.json.DecayingModel.all_orgs).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
