/**
 * The built-in default models. Their uuids, names, versions, parameters and attribute types are
 * those of the public misp-decaying-models repository, so that an instance running them scores
 * exactly like MISP does and `update` recognises them; the descriptions are ours.
 */
import type { ModelParameters } from "../types.js";

export interface DefaultModelDefinition {
  uuid: string;
  name: string;
  description: string;
  formula: string;
  version: number;
  ref: string[];
  parameters: ModelParameters & { base_score_config: Record<string, number> };
  attribute_types: string[];
}

const PAPERS = ["https://arxiv.org/abs/1902.03914", "https://arxiv.org/abs/1803.11052"];

const NETWORK_TYPES = ["domain", "domain|ip", "hostname", "hostname|port", "ip-dst", "ip-dst|port", "ip-src", "ip-src|port", "url"];

/** The four phishing-related weights that the Phishing and Vishing models share. */
const PHISHING_WEIGHTS = {
  "estimative-language:confidence-in-analytic-judgment": 0.25,
  "estimative-language:likelihood-probability": 0.25,
  "phishing:psychological-acceptability": 0.25,
  "phishing:state": 0.25,
};

export const DEFAULT_MODELS: readonly DefaultModelDefinition[] = [
  {
    uuid: "073fae4a-2377-4cfa-bd34-2516830d33c3",
    name: "NIDS Simple Decaying Model",
    description: "Network indicators for intrusion detection: a slow polynomial decay over 120 days, decayed below 30.",
    formula: "Polynomial",
    version: 2,
    ref: PAPERS,
    parameters: {
      lifetime: 120,
      decay_speed: 2,
      threshold: 30,
      default_base_score: 80,
      base_score_config: {
        "estimative-language:confidence-in-analytic-judgment": 0.1667,
        "estimative-language:likelihood-probability": 0.1667,
        "false-positive:risk": 0.1667,
        "priority-level": 0.1667,
        retention: 0.1667,
        "targeted-threat-index:targeting-sophistication-base-value": 0.0833,
        "targeted-threat-index:technical-sophistication-multiplier": 0.0833,
      },
    },
    attribute_types: [...NETWORK_TYPES, "snort", "suricata", "zeek", "bro"],
  },
  {
    uuid: "dbbd7ba7-6559-48fc-ab58-cc499d1b1143",
    name: "Phishing model",
    description: "Phishing sites change hands within days: decays over 3 days, below 30 after about one.",
    formula: "Polynomial",
    version: 2,
    ref: PAPERS,
    parameters: { lifetime: 3, decay_speed: 2.3, threshold: 30, default_base_score: 80, base_score_config: { ...PHISHING_WEIGHTS } },
    attribute_types: [...NETWORK_TYPES],
  },
  {
    uuid: "1097c0fe-06eb-4741-94d9-8098301d92f4",
    name: "Vishing model",
    description: "Phone numbers used for voice scams: decays over 10 days, below 30 after about three and a half.",
    formula: "Polynomial",
    version: 1,
    ref: PAPERS,
    parameters: { lifetime: 10, decay_speed: 2.3, threshold: 30, default_base_score: 80, base_score_config: { ...PHISHING_WEIGHTS } },
    attribute_types: ["phone-number", "prtn"],
  },
];
