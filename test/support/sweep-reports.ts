// Factories for sweep reports: a realistic run with overrides, for the mail and report tests.
import { DEFAULT_SWEEP_RULE, decide } from "../../src/core/sweep-rule.js";
import { sweepTotals, type SweepAttributeChange, type SweepEventChanges, type SweepReport } from "../../src/core/sweep-report.js";

export const STARTED = 1_795_463_245; // 2026-11-23 19:47:25 UTC

export function attributeChange(overrides: Partial<SweepAttributeChange> & { tp?: number; fp?: number } = {}): SweepAttributeChange {
  const tp = overrides.tp ?? 1;
  const fp = overrides.fp ?? 3;
  const decision = decide({ tp, fp }, DEFAULT_SWEEP_RULE);
  return {
    id: "345",
    uuid: "7f59c42d-7ee6-4134-8306-87245f7c89f4",
    type: "domain",
    value: "bad.example",
    ratio: decision.ratio,
    reason: decision.reason,
    ...overrides,
    tp,
    fp,
  };
}

export function eventChanges(overrides: Partial<SweepEventChanges> = {}): SweepEventChanges {
  return {
    id: "12",
    uuid: "5f0c9a3e-1111-4c5b-9d3e-0a1b2c3d4e5f",
    info: "Phishing wave against the finance team",
    republished: true,
    attributes: [attributeChange()],
    ...overrides,
  };
}

/** A run with the given events; totals are derived from them unless given. */
export function sweepReport(overrides: Partial<SweepReport> = {}): SweepReport {
  const events = overrides.events ?? [
    eventChanges(),
    eventChanges({
      id: "40",
      uuid: "9a8b7c6d-2222-4c5b-9d3e-0a1b2c3d4e5f",
      info: "Commodity malware C2",
      attributes: [
        attributeChange({ id: "901", uuid: "11111111-aaaa-4bbb-8ccc-000000000901", type: "ip-dst", value: "203.0.113.5", tp: 0, fp: 2 }),
        attributeChange({ id: "902", uuid: "11111111-aaaa-4bbb-8ccc-000000000902", type: "url", value: "http://evil.example/x", tp: 2, fp: 2 }),
      ],
    }),
  ];
  const report: SweepReport = {
    runId: "run-20261123-0001",
    target: { kind: "misp", url: "https://misp.example.org/" },
    startedAt: STARTED,
    finishedAt: STARTED + 127,
    dryRun: false,
    rule: { ...DEFAULT_SWEEP_RULE },
    events,
    totals: sweepTotals(events, 120),
    failures: [],
    ...overrides,
  };
  return report;
}

/** A run that found nothing to change. */
export function allClearReport(overrides: Partial<SweepReport> = {}): SweepReport {
  return sweepReport({ events: [], totals: sweepTotals([], 120), ...overrides });
}
