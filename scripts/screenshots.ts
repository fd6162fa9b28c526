// `npm run screenshots`: the README's pictures of the web UI. Builds the UI, starts a real
// `halflife serve --demo`, and photographs the main pages in Chromium at laptop size into
// docs/screenshots/. Run it after changing how a page looks, and commit the pictures.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { build } from "vite";
import { CHROMIUM_ARGS, startServe } from "../test/support/serve-process.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = path.join(root, "docs", "screenshots");
const chromiumPath = process.env.HALFLIFE_TEST_CHROMIUM ?? "/usr/bin/chromium";

const webDir = path.join(mkdtempSync(path.join(tmpdir(), "halflife-shots-")), "dist");
await build({ configFile: path.join(root, "web", "vite.config.ts"), build: { outDir: webDir, emptyOutDir: true }, logLevel: "warn" });
const server = await startServe({ webDir });
const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
mkdirSync(out, { recursive: true });

async function shoot(page: Page, name: string, ready: () => Promise<unknown>, fullPage = false): Promise<void> {
  await ready();
  // No focus ring in the pictures.
  await page.evaluate("document.activeElement && document.activeElement.blur()");
  // Let charts finish drawing after their data arrived.
  await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await shoot(page, "login", () => page.getByLabel("API key").waitFor());
  await page.getByLabel("API key").fill(server.adminKey);
  await page.getByRole("button", { name: "Log in" }).click();
  await shoot(page, "models", () => page.locator("tr[data-model-id]").first().waitFor());

  const models = await server.api("GET", "/decayingModel/index");
  const phishing = models.json.find((m: { DecayingModel: { name: string } }) => m.DecayingModel.name === "Phishing model").DecayingModel;
  await page.goto(`${server.url}/models/new`);
  await page.getByLabel("Name").fill("Fast-burning phishing infrastructure");
  await page.getByLabel("Description").fill("For landing pages that are taken down within days");
  await page.getByTestId("lifetime").fill("14");
  await page.getByTestId("decay-speed").fill("1.6");
  await page.getByTestId("threshold").fill("35");
  await shoot(page, "model-tool", () => page.getByTestId("curve-handle").waitFor());

  await page.goto(`${server.url}/models/${phishing.id}/edit?tab=base-score`);
  await page.getByRole("heading", { name: /^Weights/ }).waitFor();
  for (const tag of ['phishing:state="active"', 'estimative-language:confidence-in-analytic-judgment="moderate"', 'phishing:psychological-acceptability="high"']) {
    await page.getByLabel("Add a tag to the hand-picked example").selectOption(tag);
  }
  await shoot(page, "base-score", () => page.getByTestId("computation-steps").waitFor(), true);

  const search = await server.api("POST", "/attributes/restSearch", { value: "invoice-portal-secure.example" });
  const attribute = search.json.response.Attribute[0];
  await page.goto(`${server.url}/simulation?model=${phishing.id}&attribute=${attribute.id}`);
  await page.getByLabel("Value").fill("%.example");
  await page.getByRole("button", { name: "Search" }).click();
  await page.locator("tr[data-attribute-id]").first().waitFor();
  await shoot(page, "simulation", () => page.locator("[data-testid=simulation-chart] canvas").waitFor(), true);

  await page.goto(`${server.url}/events/${attribute.event_id}`);
  await shoot(page, "event", () => page.locator("tr[data-attribute-id] .score").first().waitFor());

  const dryRun = await server.api("POST", "/halflife/sweeps/dry-run", {});
  if (dryRun.status === 200) {
    await page.goto(`${server.url}/sweeps/${dryRun.json.run.id}`);
    await shoot(page, "sweep-report", () => page.getByRole("heading", { name: /What would change/ }).waitFor(), true);
  } else {
    process.stderr.write(`no sweep screenshot: the server answered the dry run with HTTP ${dryRun.status}\n`);
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(path.dirname(webDir), { recursive: true, force: true });
}
