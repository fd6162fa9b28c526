import { describe, expect, it } from "vitest";
import { isHalflifeError } from "../../src/core/errors.js";
import { maskUrl, parseMailOptions, parseSmtpUrl, resolveMailOptions } from "../../src/mail/mailer.js";

function refusal(run: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (isHalflifeError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("the script's --mailoptions", () => {
  it.each([
    [
      "smtp_from=misp@example.org;smtp_to=soc@example.org;smtp_server=mail.example.org",
      { from: "misp@example.org", to: ["soc@example.org"], host: "mail.example.org" },
    ],
    ["smtp_server=mail.example.org:2525", { host: "mail.example.org", port: 2525 }],
    ["smtp_server=[::1]:2525", { host: "::1", port: 2525 }],
    ["smtp_server=10.0.0.5", { host: "10.0.0.5" }],
    ["smtp_to=a@example.org, b@example.org;", { to: ["a@example.org", "b@example.org"] }],
    [" smtp_from = misp@example.org ", { from: "misp@example.org" }],
    ["", {}],
  ])("reads %j", (text, expected) => {
    expect(parseMailOptions(text)).toEqual(expected);
  });

  it.each([
    "smtp_form=misp@example.org",
    "smtp_from",
    "smtp_from=",
    "smtp_server=mail.example.org:0",
    "smtp_server=mail.example.org:70000",
    "smtp_server=mail.example.org:smtp",
    "smtp_server=mail example.org",
  ])("refuses %j with INVALID_INPUT naming --mailoptions", (text) => {
    const error = refusal(() => parseMailOptions(text));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.field).toBe("--mailoptions");
  });
});

describe("SMTP URLs", () => {
  it.each([
    ["smtp://mail.example.org", { host: "mail.example.org", port: 587, secure: false }],
    ["smtps://mail.example.org", { host: "mail.example.org", port: 465, secure: true }],
    ["smtp://mail.example.org:25", { host: "mail.example.org", port: 25, secure: false }],
    [
      "smtp://bot%40example.org:p%3Ass%2Fw@mail.example.org:587?starttls=required",
      { host: "mail.example.org", port: 587, secure: false, user: "bot@example.org", password: "p:ss/w", starttls: "required" },
    ],
    [
      "smtps://bot:pw@[::1]:4650/?verify_tls=false&from=misp@example.org&to=a@example.org,b@example.org&timeout_ms=2500",
      { host: "::1", port: 4650, secure: true, user: "bot", password: "pw", verifyTls: false, from: "misp@example.org", to: ["a@example.org", "b@example.org"], timeoutMs: 2500 },
    ],
    ["smtp://relay?starttls=ignored", { host: "relay", port: 587, secure: false, starttls: "ignored" }],
  ])("reads %s", (url, expected) => {
    expect(parseSmtpUrl(url)).toEqual(expected);
  });

  it.each([
    "mail.example.org",
    "http://mail.example.org",
    "smtp://bot:hunter2@mail.example.org/inbox",
    "smtp://bot:hunter2@mail.example.org?starttls=always",
    "smtp://bot:hunter2@mail.example.org?tls=yes",
    "smtp://bot:hunter2@mail.example.org?verify_tls=0",
    "smtp://bot:hunter2@mail.example.org?timeout_ms=-1",
  ])("refuses %s without repeating the password", (url) => {
    const error = refusal(() => parseSmtpUrl(url));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.field).toBe("HALFLIFE_SMTP_URL");
    expect(error.message).not.toContain("hunter2");
  });

  it("masks the password when showing a URL", () => {
    expect(maskUrl("smtp://bot:hunter2@mail.example.org:587")).toBe("smtp://bot:***@mail.example.org:587");
    expect(maskUrl("not a url //bot:hunter2@host")).not.toContain("hunter2");
  });
});

describe("resolving mail options", () => {
  it("fills in the script's relay (localhost:25, STARTTLS when offered) and checks the addresses", () => {
    expect(resolveMailOptions({ from: "misp@example.org", to: "soc@example.org" })).toEqual({
      host: "localhost",
      port: 25,
      secure: false,
      starttls: "opportunistic",
      verifyTls: true,
      from: "misp@example.org",
      to: ["soc@example.org"],
      timeoutMs: 15_000,
    });
  });

  it("lets later layers win, without an undefined value erasing an earlier one", () => {
    const options = resolveMailOptions(
      parseSmtpUrl("smtp://bot:pw@mail.example.org:587?from=relay@example.org&to=x@example.org"),
      parseMailOptions("smtp_to=soc@example.org,ir@example.org"),
      { from: undefined, port: 2525 },
    );
    expect(options).toMatchObject({ host: "mail.example.org", port: 2525, user: "bot", password: "pw", from: "relay@example.org", to: ["soc@example.org", "ir@example.org"] });
  });

  it("uses port 465 with TLS from the start", () => {
    expect(resolveMailOptions({ secure: true, from: "a@example.org", to: ["b@example.org"] }).port).toBe(465);
  });

  it.each([
    [{ to: "soc@example.org" }, "from"],
    [{ from: "misp@example.org" }, "to"],
    [{ from: "misp@example.org", to: [] }, "to"],
    [{ from: "INSERT_FROM", to: "soc@example.org" }, "from"],
    [{ from: "misp@example.org", to: "INSERT_TO" }, "to"],
    [{ from: "misp@example.org\r\nBcc: x@example.org", to: "soc@example.org" }, "from"],
    [{ from: "misp@example.org", to: "soc@example.org", port: 0 }, "port"],
    [{ from: "misp@example.org", to: "soc@example.org", host: "" }, "host"],
    [{ from: "misp@example.org", to: "soc@example.org", password: "pw" }, "user"],
    [{ from: "misp@example.org", to: "soc@example.org", timeoutMs: 0 }, "timeoutMs"],
  ])("refuses %j, naming %s", (input, field) => {
    const error = refusal(() => resolveMailOptions(input));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.field).toBe(field);
    expect(error.message).not.toContain("pw");
  });
});
