import { describe, expect, it } from "vitest";
import { renderSweepReport, shouldMail, undoCommand } from "../../src/mail/sweep-report.js";
import { isAllClear, sweepTotals } from "../../src/core/sweep-report.js";
import { allClearReport, attributeChange, eventChanges, sweepReport } from "../support/sweep-reports.js";

describe("the sweep report mail", () => {
  it("says in the subject what was pulled, where, and in how many events", () => {
    expect(renderSweepReport(sweepReport()).subject).toBe(
      "Halflife sweep run-20261123-0001 on misp.example.org: 3 indicators pulled from detection in 2 events",
    );
  });

  it("groups the changes by event, each with its attributes, counts and reasons", () => {
    const { text } = renderSweepReport(sweepReport());
    const first = text.indexOf("Event 12: Phishing wave against the finance team");
    const second = text.indexOf("Event 40: Commodity malware C2");
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    const firstBlock = text.slice(first, second);
    expect(firstBlock).toContain("uuid 5f0c9a3e-1111-4c5b-9d3e-0a1b2c3d4e5f, republished without e-mail alerts");
    expect(firstBlock).toContain("- domain bad.example");
    expect(firstBlock).toContain("attribute 345, uuid 7f59c42d-7ee6-4134-8306-87245f7c89f4");
    expect(firstBlock).toContain("false positives 3, true positives 1, false share 75%");
    expect(firstBlock).toContain("Turn to_ids off: 3 false positives and 1 true positive");
    const secondBlock = text.slice(second);
    expect(secondBlock).toContain("2 indicators pulled from detection:");
    expect(secondBlock).toContain("- ip-dst 203.0.113.5");
    expect(secondBlock).toContain("false positives 2, true positives 2, false share 50%");
  });

  it("gives the totals, the rule and the times", () => {
    const { text } = renderSweepReport(sweepReport());
    expect(text).toContain("Target:    MISP https://misp.example.org/");
    expect(text).toContain("Started:   2026-11-23 19:47:25 UTC");
    expect(text).toContain("Finished:  2026-11-23 19:49:32 UTC (took 2 min 7 s)");
    expect(text).toContain("Mode:      changes applied");
    expect(text).toContain("more than 0 false positives");
    expect(text).toContain("at least 50% of its true- and false-positive reports");
    expect(text).toContain("after 1970-01-01 00:00:00 UTC");
    expect(text).toMatch(/IDS indicators checked: +120/);
    expect(text).toMatch(/Pulled from detection: +3/);
    expect(text).toMatch(/Events republished without alerts: +2/);
    expect(text).toMatch(/Failures: +0/);
  });

  it("ends with the run id and the exact command that undoes the run", () => {
    const { text } = renderSweepReport(sweepReport());
    expect(text).toContain("Run id: run-20261123-0001");
    expect(text).toContain("\n  halflife sweep undo run-20261123-0001\n");
    expect(text).toContain("The undo applies to the same target: MISP https://misp.example.org/.");
  });

  it("quotes a run id that a shell would otherwise split", () => {
    expect(undoCommand("2026-11-23T19:47:25Z")).toBe("halflife sweep undo 2026-11-23T19:47:25Z");
    expect(undoCommand("run 7")).toBe("halflife sweep undo 'run 7'");
    expect(undoCommand("it's")).toBe(`halflife sweep undo 'it'\\''s'`);
  });

  it("describes a dry run as changing nothing and offers no undo", () => {
    const events = [eventChanges({ republished: false })];
    const { subject, text } = renderSweepReport(sweepReport({ dryRun: true, events, totals: sweepTotals(events, 50) }));
    expect(subject).toBe("Halflife sweep run-20261123-0001 (dry run) on misp.example.org: 1 indicator would be pulled from detection in 1 event");
    expect(text).toContain("Mode:      dry run, nothing was changed");
    expect(text).toMatch(/Would be pulled from detection: +1/);
    expect(text).toContain("not republished (dry run)");
    expect(text).toContain("nothing to undo");
    expect(text).not.toContain("halflife sweep undo");
  });

  it("sends an all-clear report when nothing changed", () => {
    const report = allClearReport({ target: { kind: "local", label: "SQLite ./data/halflife.db" } });
    expect(isAllClear(report)).toBe(true);
    const { subject, text } = renderSweepReport(report);
    expect(subject).toBe("Halflife sweep run-20261123-0001 on local store: all clear, no indicator to pull");
    expect(text).toContain("Target:    the local store (SQLite ./data/halflife.db)");
    expect(text).toContain("All clear: no indicator reached the false-positive rule, and nothing was changed.");
    expect(text).toContain("Run id: run-20261123-0001");
    expect(text).not.toContain("Event ");
  });

  it("lists failures and flags an event that could not be republished", () => {
    const events = [eventChanges({ republished: false })];
    const report = sweepReport({
      events,
      totals: sweepTotals(events, 10),
      failures: [{ stage: "publish", eventId: "12", code: "UPSTREAM", message: "MISP call POST events/publish/12 failed after 4 attempts: HTTP 503" }],
    });
    const { subject, text } = renderSweepReport(report);
    expect(subject).toMatch(/: 1 indicator pulled from detection in 1 event, 1 failure$/);
    expect(text).toContain("NOT republished: see the failures below");
    expect(text).toContain("Failures (1)");
    expect(text).toContain("  - publish (event 12): [UPSTREAM] MISP call POST events/publish/12 failed after 4 attempts: HTTP 503");
  });

  it("reports a run that changed nothing but failed, and never calls it all clear", () => {
    const report = allClearReport({ failures: [{ stage: "search", code: "UPSTREAM", message: "connection refused" }] });
    expect(isAllClear(report)).toBe(false);
    const { subject, text } = renderSweepReport(report);
    expect(subject).toMatch(/: nothing changed, 1 failure$/);
    expect(text).not.toContain("All clear");
    expect(text).toContain("  - search: [UPSTREAM] connection refused");
  });

  it("keeps hostile values on one printable line, and shortens huge ones", () => {
    const events = [
      eventChanges({
        info: "Bad\r\nBcc: victim@example.org",
        attributes: [attributeChange({ value: `evil.example\n\nFake paragraph\u2028${"x".repeat(500)}` })],
      }),
    ];
    const { subject, text } = renderSweepReport(sweepReport({ events, runId: "r1\nInjected: yes", totals: sweepTotals(events, 1) }));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(text).toContain("Event 12: Bad\\r\\nBcc: victim@example.org");
    expect(text).toContain("- domain evil.example\\n\\nFake paragraph\\u2028xxx");
    expect(text).toContain("… (");
    expect(text).not.toMatch(/^Bcc:|^Fake paragraph|^Injected/m);
    expect(text).toContain("halflife sweep undo $'r1\\nInjected: yes'");
  });

  it("never prints the credentials of a MISP URL", () => {
    const { text } = renderSweepReport(sweepReport({ target: { kind: "misp", url: "https://admin:hunter2@misp.example.org/?key=abc" } }));
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("abc");
    expect(text).toContain("MISP https://misp.example.org/");
  });

  it("is mailed when something changed or failed, and when all clear only if asked", () => {
    expect(shouldMail(sweepReport())).toBe(true);
    expect(shouldMail(allClearReport())).toBe(false);
    expect(shouldMail(allClearReport(), { always: true })).toBe(true);
    expect(shouldMail(allClearReport({ failures: [{ stage: "run", code: "CONFLICT", message: "another sweep holds the lock" }] }))).toBe(true);
  });
});

describe("sweep totals", () => {
  it("count disabled attributes and republished events from the events themselves", () => {
    const events = [eventChanges(), eventChanges({ id: "13", republished: false, attributes: [attributeChange(), attributeChange({ id: "346" })] })];
    expect(sweepTotals(events, 99)).toEqual({ attributesChecked: 99, attributesDisabled: 3, eventsRepublished: 1 });
  });
});
