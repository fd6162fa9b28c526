import { describe, expect, it } from "vitest";
import { computeBaseScore, prioritiseTags } from "../../src/core/base-score.js";
import { isHalflifeError } from "../../src/core/errors.js";
import { attribute, defaultModel, polynomialModel, tag } from "../support/scoring.js";

const blogWeights = { "admiralty-scale:source-reliability": 50, "phishing:psychological-acceptability": 50 };

describe("base score: the worked examples", () => {
  it("gives the blog's 87.5 for admiralty 'a' (100) and acceptability 'high' (75) at equal weights", () => {
    const result = computeBaseScore(
      polynomialModel({ base_score_config: blogWeights }),
      attribute({ AttributeTag: [tag('admiralty-scale:source-reliability="a"', 100), tag('phishing:psychological-acceptability="high"', 75)] }),
    );
    expect(result.baseScore).toBe(87.5);
    expect(result.effectiveRatios).toEqual({ "admiralty-scale:source-reliability": 0.5, "phishing:psychological-acceptability": 0.5 });
  });

  it("gives the same 87.5 whatever the scale of equal weights", () => {
    for (const w of [0.5, 0.25, 1, 1000]) {
      const model = polynomialModel({ base_score_config: { "admiralty-scale:source-reliability": w, "phishing:psychological-acceptability": w } });
      const subject = attribute({ AttributeTag: [tag('admiralty-scale:source-reliability="a"', 100), tag('phishing:psychological-acceptability="high"', 75)] });
      expect(computeBaseScore(model, subject).baseScore).toBe(87.5);
    }
  });

  it("gives 100 for the admiralty tag alone: an absent taxonomy does not dilute the score", () => {
    const result = computeBaseScore(polynomialModel({ base_score_config: blogWeights }), attribute({ AttributeTag: [tag('admiralty-scale:source-reliability="a"', 100)] }));
    expect(result.baseScore).toBe(100);
    expect(result.effectiveRatios).toEqual({ "admiralty-scale:source-reliability": 1 });
  });

  it("gives 77.5 for example B: the attribute's phishing:state overrides the event's", () => {
    const result = computeBaseScore(
      defaultModel("Phishing model"),
      attribute({
        EventTag: [tag('phishing:state="down"', 0), tag('estimative-language:confidence-in-analytic-judgment="moderate"', 55)],
        AttributeTag: [tag('phishing:state="active"', 100), tag("tlp:amber")],
      }),
    );
    expect(result.baseScore).toBe(77.5);
    expect(result.tags.map((t) => t.Tag.name)).toEqual([
      'phishing:state="active"',
      'estimative-language:confidence-in-analytic-judgment="moderate"',
      "tlp:amber",
    ]);
    expect(result.overridden).toEqual([{ EventTag: tag('phishing:state="down"', 0), AttributeTag: tag('phishing:state="active"', 100) }]);
  });

  it("falls back to the default base score (example C: only tlp:white on a NIDS attribute)", () => {
    const result = computeBaseScore(defaultModel("NIDS Simple Decaying Model"), attribute({ AttributeTag: [tag("tlp:white")] }));
    expect(result.baseScore).toBe(80);
    expect(result.effectiveRatios).toEqual({});
  });

  it("lets a retention tag push the NIDS base score to 220 (example D)", () => {
    const result = computeBaseScore(
      defaultModel("NIDS Simple Decaying Model"),
      attribute({ AttributeTag: [tag("retention:1y", 365), tag('false-positive:risk="low"', 75)] }),
    );
    expect(result.baseScore).toBe(220);
  });
});

describe("base score: MISP's rules in detail", () => {
  it("uses 0 when the model has no weights and no default base score", () => {
    expect(computeBaseScore({ formula: "Polynomial", parameters: { base_score_config: {} } }, attribute()).baseScore).toBe(0);
  });

  it("reads an empty list of weights ([]) as no weights", () => {
    const model = polynomialModel({ base_score_config: [], default_base_score: 42 });
    expect(computeBaseScore(model, attribute({ AttributeTag: [tag("tlp:red")] })).baseScore).toBe(42);
  });

  it("keys two-part tags on the namespace and triple tags on namespace:predicate", () => {
    const model = polynomialModel({ base_score_config: { "priority-level": 1, admiralty: 1 } });
    const result = computeBaseScore(model, attribute({ AttributeTag: [tag("priority-level:high", 85), tag('admiralty:source="a"', 100)] }));
    expect(result.baseScore).toBe(85);
  });

  it("counts weights per tag, so two tags with one base key both contribute", () => {
    const model = polynomialModel({ base_score_config: { "false-positive:risk": 1, "misp:confidence-level": 1 } });
    const result = computeBaseScore(
      model,
      attribute({ AttributeTag: [tag('false-positive:risk="low"', 75), tag('false-positive:risk="high"', 25), tag('misp:confidence-level="unconfident"', 0)] }),
    );
    // W = 3, ratio 1/3 each: (75 + 25 + 0) / 3
    expect(result.baseScore).toBeCloseTo(100 / 3, 12);
  });

  it("gives a base key a ratio when one of its tags has a value, and adds 0 for a sibling without one", () => {
    const model = polynomialModel({ base_score_config: { "false-positive:risk": 1 } });
    const result = computeBaseScore(model, attribute({ AttributeTag: [tag('false-positive:risk="low"', 75), tag('false-positive:risk="other"', null)] }));
    expect(result.effectiveRatios).toEqual({ "false-positive:risk": 1 });
    expect(result.baseScore).toBe(75);
  });

  it("treats a 0 value as a value", () => {
    const model = polynomialModel({ base_score_config: { "phishing:state": 1 } });
    expect(computeBaseScore(model, attribute({ AttributeTag: [tag('phishing:state="down"', 0)] })).baseScore).toBe(0);
  });

  it("accepts numerical values and weights given as numeric strings, with PHP's is_numeric", () => {
    const model = polynomialModel({ base_score_config: { "phishing:state": "0.5", "misp:confidence-level": "0.5" } });
    const result = computeBaseScore(
      model,
      attribute({ AttributeTag: [tag('phishing:state="active"', " 100"), tag('misp:confidence-level="fairly-confident"', "5e1")] }),
    );
    expect(result.baseScore).toBe(75);
  });

  it("ignores a tag whose value is not numeric (as PHP's is_numeric says)", () => {
    const model = polynomialModel({ base_score_config: { "phishing:state": 1 }, default_base_score: 11 });
    for (const value of ["", "abc", "0x1A", null]) {
      expect(computeBaseScore(model, attribute({ AttributeTag: [tag('phishing:state="active"', value)] })).baseScore).toBe(11);
    }
  });

  it("ignores a configured key whose weight is null", () => {
    const model = polynomialModel({ base_score_config: { "phishing:state": null }, default_base_score: 11 });
    expect(computeBaseScore(model, attribute({ AttributeTag: [tag('phishing:state="active"', 100)] })).baseScore).toBe(11);
  });

  it("matches base keys case-sensitively", () => {
    const model = polynomialModel({ base_score_config: { "Phishing:state": 1 }, default_base_score: 11 });
    expect(computeBaseScore(model, attribute({ AttributeTag: [tag('phishing:state="active"', 100)] })).baseScore).toBe(11);
  });

  it("refuses to divide by zero when the weights of the tags present sum to 0", () => {
    const model = polynomialModel({ base_score_config: { "phishing:state": 0, "misp:confidence-level": 1 } });
    try {
      computeBaseScore(model, attribute({ AttributeTag: [tag('phishing:state="active"', 100)] }));
      expect.unreachable();
    } catch (error) {
      expect(isHalflifeError(error, "INVALID_MODEL")).toBe(true);
      expect((error as { field: string }).field).toBe("parameters.base_score_config");
    }
  });
});

describe("prioritised tags", () => {
  it("puts an overriding attribute tag in the slot of the first event tag with its base key", () => {
    const { tags } = prioritiseTags({
      EventTag: [tag("tlp:green"), tag('a:b="1"'), tag('c:d="2"'), tag('a:b="3"')],
      AttributeTag: [tag('a:b="9"'), tag("free")],
    });
    expect(tags.map((t) => t.Tag.name)).toEqual(["tlp:green", 'a:b="9"', 'c:d="2"', "free"]);
  });

  it("does not override a different predicate of the same namespace", () => {
    const { tags, overridden } = prioritiseTags({
      EventTag: [tag('admiralty-scale:information-credibility="2"')],
      AttributeTag: [tag('admiralty-scale:source-reliability="a"')],
    });
    expect(tags).toHaveLength(2);
    expect(overridden).toEqual([]);
  });

  it("overrides two-part tags at namespace level", () => {
    const { tags } = prioritiseTags({ EventTag: [tag("priority-level:high")], AttributeTag: [tag("priority-level:low")] });
    expect(tags.map((t) => t.Tag.name)).toEqual(["priority-level:low"]);
  });

  it("keeps only the last of two attribute tags that override the same event tag", () => {
    const { tags, overridden } = prioritiseTags({
      EventTag: [tag('a:b="event"'), tag('a:b="event2"')],
      AttributeTag: [tag('a:b="first"'), tag('a:b="second"')],
    });
    expect(tags.map((t) => t.Tag.name)).toEqual(['a:b="second"']);
    expect(overridden.map((o) => [o.EventTag?.Tag.name ?? null, o.AttributeTag.Tag.name])).toEqual([
      ['a:b="event"', 'a:b="first"'],
      ['a:b="event2"', 'a:b="first"'],
      ['a:b="first"', 'a:b="second"'],
      [null, 'a:b="second"'],
    ]);
  });

  it("keeps both of two attribute tags with one base key when the event has none", () => {
    const { tags } = prioritiseTags({ EventTag: [], AttributeTag: [tag('a:b="1"'), tag('a:b="2"')] });
    expect(tags).toHaveLength(2);
  });
});
