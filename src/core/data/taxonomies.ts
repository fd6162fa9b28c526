/**
 * The scoring taxonomies Halflife ships with, in its own compact notation: the vocabularies whose
 * numerical values the default models weigh, plus TLP (which carries no values but is on nearly
 * every event). Names and numbers match the public misp-taxonomies repository, so that scores agree
 * with any instance that loaded it; the wording is ours. `halflife taxonomies import DIR` loads the
 * full repository on top of these.
 */
import type { Taxonomy, TaxonomyPredicate } from "../taxonomy.js";

/** [value, numerical value or null, label] */
type Row = readonly [string, number | null, string];

/** A predicate whose values are its entries: tags `namespace:predicate="value"`. */
function predicate(value: string, expanded: string, rows: readonly Row[]): TaxonomyPredicate {
  return {
    value,
    expanded,
    exclusive: true,
    entries: rows.map(([entry, numerical, label]) =>
      numerical === null ? { value: entry, expanded: label } : { value: entry, expanded: label, numerical_value: numerical },
    ),
  };
}

/** Predicates that are tags themselves: `namespace:predicate`, with optional value and colour. */
function flat(rows: ReadonlyArray<readonly [string, number | null, string, string?]>): TaxonomyPredicate[] {
  return rows.map(([value, numerical, label, colour]) => {
    const p: TaxonomyPredicate = { value, expanded: label };
    if (numerical !== null) p.numerical_value = numerical;
    if (colour !== undefined) p.colour = colour;
    return p;
  });
}

export const BUILTIN_TAXONOMIES: readonly Taxonomy[] = [
  {
    namespace: "admiralty-scale",
    version: 5,
    description: "Grades how reliable a source is and how credible a piece of information is, each on its own scale.",
    predicates: [
      predicate("source-reliability", "Source reliability", [
        ["a", 100, "Completely reliable"],
        ["b", 75, "Usually reliable"],
        ["c", 50, "Fairly reliable"],
        ["d", 25, "Not usually reliable"],
        ["e", 0, "Unreliable"],
        ["f", 50, "Reliability cannot be judged"],
        ["g", 0, "Deliberately deceptive"],
      ]),
      predicate("information-credibility", "Information credibility", [
        ["1", 100, "Confirmed by other sources"],
        ["2", 75, "Probably true"],
        ["3", 50, "Possibly true"],
        ["4", 25, "Doubtful"],
        ["5", 0, "Improbable"],
        ["6", 50, "Truth cannot be judged"],
      ]),
    ],
  },
  {
    namespace: "phishing",
    version: 5,
    description: "Describes phishing sites: whether they are up, and how likely victims are to fall for them.",
    predicates: [
      predicate("state", "State of the phishing site", [
        ["unknown", 50, "Not known, or cannot be checked"],
        ["active", 100, "Up and in use"],
        ["down", 0, "Known to be down"],
      ]),
      predicate("psychological-acceptability", "How readily victims fall for it", [
        ["unknown", null, "Not known"],
        ["low", 25, "Rarely"],
        ["medium", 50, "Sometimes"],
        ["high", 75, "Often"],
      ]),
    ],
  },
  {
    namespace: "estimative-language",
    version: 5,
    expanded: "Estimative language",
    description: "Standard words for how likely a judgement is and how confident the analyst is in it.",
    predicates: [
      predicate("likelihood-probability", "Likelihood", [
        ["almost-no-chance", 0, "Almost no chance (1-5%)"],
        ["very-unlikely", 5, "Very unlikely (5-20%)"],
        ["unlikely", 20, "Unlikely (20-45%)"],
        ["roughly-even-chance", 45, "Roughly even chance (45-55%)"],
        ["likely", 55, "Likely (55-80%)"],
        ["very-likely", 80, "Very likely (80-95%)"],
        ["almost-certain", 95, "Almost certain (95-99%)"],
      ]),
      predicate("confidence-in-analytic-judgment", "Confidence in the judgement", [
        ["low", 0, "Low"],
        ["moderate", 55, "Moderate"],
        ["high", 95, "High"],
      ]),
    ],
  },
  {
    namespace: "false-positive",
    version: 7,
    expanded: "False positive",
    description: "How likely an indicator is to fire on legitimate activity, and whether it has been shown to.",
    predicates: [
      predicate("risk", "Risk of false positives", [
        ["low", 75, "Low"],
        ["medium", 50, "Medium"],
        ["high", 25, "High"],
        ["cannot-be-judged", 25, "Cannot be judged"],
      ]),
      predicate("confirmed", "Confirmed false positive", [
        ["true", 0, "Yes"],
        ["false", 50, "No"],
      ]),
    ],
  },
  {
    namespace: "misp",
    version: 14,
    expanded: "MISP",
    description: "The sharing platform's own vocabulary; Halflife ships the confidence and threat-level parts.",
    predicates: [
      predicate("confidence-level", "Confidence level", [
        ["completely-confident", 100, "Completely confident"],
        ["usually-confident", 75, "Usually confident"],
        ["fairly-confident", 50, "Fairly confident"],
        ["rarely-confident", 25, "Rarely confident"],
        ["unconfident", 0, "Not confident"],
        ["confidence-cannot-be-evaluated", 50, "Cannot be evaluated"],
      ]),
      predicate("threat-level", "Threat level", [
        ["no-risk", 0, "No risk"],
        ["low-risk", 25, "Low risk"],
        ["medium-risk", 50, "Medium risk"],
        ["high-risk", 100, "High risk"],
      ]),
    ],
  },
  {
    namespace: "priority-level",
    version: 2,
    exclusive: true,
    description: "How urgently an incident or indicator must be handled. The values sit on the predicates: tags have two parts.",
    predicates: flat([
      ["emergency", 100, "Emergency", "#000000"],
      ["severe", 90, "Severe", "#CC0033"],
      ["high", 85, "High", "#FFC000"],
      ["medium", 75, "Medium", "#FCEE21"],
      ["low", 50, "Low", "#339900"],
      ["baseline-minor", 25, "Baseline, minor", "#006699"],
      ["baseline-negligible", 0, "Baseline, negligible", "#FFFFFF"],
    ]),
  },
  {
    namespace: "retention",
    version: 4,
    exclusive: true,
    expanded: "Retention",
    description: "How long an indicator should be kept. Values are days; the PolynomialExtended formula zeroes scores past them.",
    predicates: flat([
      ["expired", 0, "Retention period over"],
      ["1d", 1, "One day"],
      ["2d", 2, "Two days"],
      ["7d", 7, "One week"],
      ["2w", 14, "Two weeks"],
      ["1m", 30, "One month"],
      ["2m", 60, "Two months"],
      ["3m", 90, "Three months"],
      ["6m", 180, "Six months"],
      ["1y", 365, "One year"],
      ["10y", 3650, "Ten years"],
    ]),
  },
  {
    namespace: "tlp",
    version: 10,
    exclusive: true,
    expanded: "Traffic Light Protocol",
    description: "Who may receive the information. Carries no numerical values.",
    predicates: flat([
      ["red", null, "TLP:RED, named recipients only", "#FF2B2B"],
      ["amber", null, "TLP:AMBER, recipients' organisations and clients", "#FFC000"],
      ["amber+strict", null, "TLP:AMBER+STRICT, recipients' organisations only", "#FFC000"],
      ["green", null, "TLP:GREEN, the recipients' community", "#33FF00"],
      ["white", null, "TLP:WHITE, public", "#FFFFFF"],
      ["clear", null, "TLP:CLEAR, public", "#FFFFFF"],
    ]),
  },
];

/** Retention tag name → days, as PolynomialExtended reads it. */
export const RETENTION_DAYS: ReadonlyMap<string, number> = new Map(
  BUILTIN_TAXONOMIES.find((t) => t.namespace === "retention")!.predicates.map((p) => [`retention:${p.value}`, p.numerical_value!]),
);
