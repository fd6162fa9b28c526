import { describe, expect, it } from "vitest";
import { parseTagName, tagBaseKey } from "../../src/core/tags.js";

describe("tag base keys", () => {
  it.each([
    ['admiralty-scale:source-reliability="a"', "triple", "admiralty-scale:source-reliability"],
    ['estimative-language:likelihood-probability="very-likely"', "triple", "estimative-language:likelihood-probability"],
    ["tlp:amber", "pair", "tlp"],
    ["priority-level:high", "pair", "priority-level"],
    ["retention:1y", "pair", "retention"],
    ["copine-scale:level-3", "pair", "copine-scale"],
    ["my-tag", "free", "my-tag"],
    ["thales_group:tlp:black", "free", "thales_group:tlp:black"],
    ["ns:pred=val", "free", "ns:pred=val"],
    ['ns:pred="http://x"', "free", 'ns:pred="http://x"'],
    ['ns:pred=""', "free", 'ns:pred=""'],
    ['ns:pred="a=b"', "free", 'ns:pred="a=b"'],
    [":pred", "free", ":pred"],
    ["ns:", "free", "ns:"],
    ["", "free", ""],
  ])("%j is a %s tag with base key %j", (name, kind, base) => {
    const parsed = parseTagName(name);
    expect(parsed.kind).toBe(kind);
    expect(parsed.base).toBe(base);
    expect(tagBaseKey(name)).toBe(base);
  });

  it("keeps a triple tag's parts and unquotes its value", () => {
    expect(parseTagName('phishing:state="active"')).toMatchObject({ namespace: "phishing", predicate: "state", value: "active" });
  });

  it("accepts one trailing newline after a triple tag, as PCRE's $ does", () => {
    expect(parseTagName('phishing:state="active"\n').base).toBe("phishing:state");
    expect(parseTagName('phishing:state="active"\n\n').kind).toBe("free");
  });

  it("treats spaces and unicode as ordinary characters of a part", () => {
    expect(parseTagName('targeted-threat-index:technical-sophistication-multiplier="the-sample-contains-no code-protection"').base).toBe(
      "targeted-threat-index:technical-sophistication-multiplier",
    );
    expect(parseTagName("vocabulaire:degré").base).toBe("vocabulaire");
  });

  it("is case-sensitive", () => {
    expect(tagBaseKey("TLP:AMBER")).toBe("TLP");
  });
});
