// The web UI in a real browser: the base-score configurator's example against the server's and the
// core's base score, and the simulation chart against the simulation endpoint.
import { describe, expect, it } from "vitest";
import { computeBaseScore } from "../../src/core/base-score.js";
import { browserAvailable, loggedInPage, serveAndBrowser } from "../support/browser.js";

const EXAMPLE_TAGS = [
  { name: 'phishing:state="active"', numerical_value: 100 },
  { name: 'phishing:psychological-acceptability="high"', numerical_value: 75 },
  { name: 'estimative-language:confidence-in-analytic-judgment="moderate"', numerical_value: 55 },
];

describe.skipIf(!browserAvailable())("the web UI's base score and simulation, in Chromium", () => {
  const rig = serveAndBrowser();

  it("computes an example's base score exactly as the server and the core do", async () => {
    const { page: p, errors, context } = await loggedInPage(rig.browser, rig.server);
    try {
      await p.goto(`${rig.server.url}/models/new?tab=base-score`);
      await p.getByRole("heading", { name: /^Weights/ }).waitFor();
      for (const namespace of ["phishing", "estimative-language"]) await p.locator("summary", { hasText: new RegExp(`^${namespace}\\b`) }).click();
      const weights = { "phishing:state": 40, "phishing:psychological-acceptability": 20, "estimative-language:confidence-in-analytic-judgment": 40 };
      for (const [key, weight] of Object.entries(weights)) await p.getByLabel(`Weight of ${key}`, { exact: true }).fill(String(weight));
      await expect.poll(() => p.getByLabel("Share of phishing:psychological-acceptability").textContent()).toBe("20.0 %");
      await expect.poll(() => p.getByLabel("Share of phishing:state").textContent()).toBe("40.0 %");

      for (const tag of EXAMPLE_TAGS) await p.getByLabel("Add a tag to the hand-picked example").selectOption(tag.name);
      const cell = p.locator("tr[data-example='0'] [data-testid=example-base-score]");
      await p.locator("tr[data-example='0'] .tag").nth(2).waitFor();
      await expect.poll(() => p.locator("tr[data-example='0'] .tag").count()).toBe(3);
      const shown = Number(await cell.getAttribute("data-value"));

      // The core, with the ratios the UI stores (each weight over their sum).
      const ratios = { "phishing:state": 0.4, "phishing:psychological-acceptability": 0.2, "estimative-language:confidence-in-analytic-judgment": 0.4 };
      const core = computeBaseScore({ formula: "Polynomial", parameters: { base_score_config: ratios, default_base_score: 80 } }, { AttributeTag: EXAMPLE_TAGS.map((Tag) => ({ Tag })) });
      expect(shown).toBe(core.baseScore);
      await expect.poll(() => cell.textContent()).toBe(core.baseScore.toFixed(2));
      const steps = p.getByTestId("computation-steps");
      await expect.poll(() => steps.textContent()).toContain("0.4000 × 100");
      await expect.poll(() => steps.textContent()).toContain("0.2000 × 75");

      // Saved, the model gives the demo attribute with these very tags the same base score.
      await p.getByRole("tab", { name: "Attribute types" }).click();
      await p.getByLabel("Search attribute types").fill("domain");
      await p.getByRole("checkbox", { name: /^domain / }).check();
      await p.getByLabel("Name").fill(`Weighted model ${Date.now()}`);
      await p.getByRole("button", { name: "Save as new" }).click();
      await p.getByText(/Saved as model \d+/).waitFor();
      const id = /\/models\/(\d+)\/edit/.exec(p.url())![1]!;

      const saved = await rig.server.api("GET", `/decayingModel/view/${id}`);
      expect(saved.json.DecayingModel.parameters.base_score_config).toEqual(ratios);
      const fromSaved = computeBaseScore(saved.json.DecayingModel, { AttributeTag: EXAMPLE_TAGS.map((Tag) => ({ Tag })) });
      expect(fromSaved.baseScore).toBe(shown);
      const search = await rig.server.api("POST", "/attributes/restSearch", { value: "invoice-portal-secure.example", decayingModel: [Number(id)], includeDecayScore: 1 });
      const [attribute] = search.json.response.Attribute;
      expect(attribute.decay_score[0].base_score).toBe(shown);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("draws an attribute's simulated score from exactly the simulation endpoint's points", async () => {
    const models = await rig.server.api("GET", "/decayingModel/index");
    const phishing = models.json.find((m: any) => m.DecayingModel.name === "Phishing model").DecayingModel;
    const { page: p, errors, context } = await loggedInPage(rig.browser, rig.server);
    try {
      await p.goto(`${rig.server.url}/simulation`);
      await p.getByLabel("Model").selectOption(phishing.id);
      await p.getByLabel("Value").fill("invoice-portal-secure.example");
      await p.getByRole("button", { name: "Search" }).click();
      const row = p.locator("tr[data-attribute-id]").first();
      await row.waitFor();
      const attributeId = (await row.getAttribute("data-attribute-id"))!;

      // The score in the results is green or red as the API says.
      const scored = await rig.server.api("POST", "/attributes/restSearch", { value: "invoice-portal-secure.example", decayingModel: [Number(phishing.id)], includeDecayScore: 1 });
      const verdict = scored.json.response.Attribute[0].decay_score[0];
      await expect.poll(() => row.locator(".score").getAttribute("class")).toContain(verdict.decayed ? "score-decayed" : "score-fresh");

      // The page's own answer, not a second request: the score decays between two requests, so
      // the test compares the page with exactly what the page was given.
      const answered = p.waitForResponse((response) => response.url().includes(`/decayingModel/decayingToolComputeSimulation/${phishing.id}/${attributeId}`));
      await row.getByRole("button", { name: /Simulate/ }).click();
      const answer = await answered;
      expect(answer.status()).toBe(200);
      const simulation = { json: (await answer.json()) as any };
      await p.locator("[data-testid=simulation-chart] canvas").waitFor();
      await p.getByText(/The chart's data/).click();
      await p.getByTestId("simulation-points").waitFor();
      const drawn = await p.locator("[data-testid=simulation-points] tbody tr").evaluateAll((rows) =>
        rows.map((r) => [Number(r.getAttribute("data-time")), Number(r.getAttribute("data-score"))]),
      );

      expect(drawn).toEqual(simulation.json.points.map((point: any) => [point.time, point.score]));
      expect(drawn.length).toBeGreaterThan(24);

      const sightings = simulation.json.sightings.filter((s: any) => !s.synthetic).length;
      await expect.poll(() => p.locator(".legend-line").textContent()).toContain(`true-positive sighting (${sightings})`);
      await expect.poll(() => p.getByTestId("current-score").textContent()).toContain(simulation.json.current_score.toFixed(2));
      await expect.poll(() => p.getByTestId("simulation-base-score").textContent()).toBe(simulation.json.base_score_config.base_score.toFixed(2));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
