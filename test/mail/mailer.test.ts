// The mailer against a real SMTP server on loopback: what arrives is parsed as a mail client would.
import { createServer, type AddressInfo, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { isHalflifeError } from "../../src/core/errors.js";
import { resolveMailOptions, sendMail, type MailOptionsInput } from "../../src/mail/mailer.js";
import { renderSweepReport } from "../../src/mail/sweep-report.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp-server.js";
import { allClearReport, sweepReport } from "../support/sweep-reports.js";

const servers: TestSmtpServer[] = [];
const sockets: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(sockets.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function smtp(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(options);
  servers.push(server);
  return server;
}

function mailOptions(port: number, overrides: MailOptionsInput = {}) {
  return resolveMailOptions({ host: "127.0.0.1", port, from: "halflife@example.org", to: ["soc@example.org"], timeoutMs: 3_000 }, overrides);
}

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    if (isHalflifeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a failure");
}

/** A free port with nothing listening on it: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("mailing the sweep report", () => {
  it("delivers a text/plain report grouped by event, with the run id and the undo command", async () => {
    const server = await smtp();
    const report = sweepReport();
    const mail = renderSweepReport(report);
    const sent = await sendMail(mailOptions(server.port), { ...mail, headers: { "X-Halflife-Run": report.runId } });
    expect(sent.accepted).toEqual(["soc@example.org"]);

    const received = await server.nextMail();
    expect(received.from).toBe("halflife@example.org");
    expect(received.to).toEqual(["soc@example.org"]);
    const { parsed } = received;
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.from?.value.map((address) => address.address)).toEqual(["halflife@example.org"]);
    expect(parsed.headers.get("content-type")).toMatchObject({ value: "text/plain" });
    expect(parsed.headers.get("x-halflife-run")).toBe(report.runId);
    expect(parsed.html).toBe(false);
    const text = parsed.text ?? "";
    expect(text.indexOf("Event 12: Phishing wave")).toBeGreaterThan(0);
    expect(text.indexOf("Event 40: Commodity malware C2")).toBeGreaterThan(text.indexOf("Event 12: Phishing wave"));
    expect(text).toContain("Turn to_ids off: 3 false positives and 1 true positive");
    expect(text).toContain("Run id: run-20261123-0001");
    expect(text).toContain("halflife sweep undo run-20261123-0001");
  });

  it("sends to several recipients at once", async () => {
    const server = await smtp();
    await sendMail(mailOptions(server.port, { to: ["soc@example.org", "ir@example.org"] }), renderSweepReport(sweepReport()));
    const received = await server.nextMail();
    expect(received.to).toEqual(["soc@example.org", "ir@example.org"]);
    const to = received.parsed.to;
    const addresses = (Array.isArray(to) ? to : to ? [to] : []).flatMap((group) => group.value.map((address) => address.address));
    expect(addresses).toEqual(["soc@example.org", "ir@example.org"]);
  });

  it("sends the all-clear report", async () => {
    const server = await smtp();
    const mail = renderSweepReport(allClearReport());
    await sendMail(mailOptions(server.port), mail);
    const { parsed } = await server.nextMail();
    expect(parsed.subject).toMatch(/all clear/);
    expect(parsed.text).toContain("All clear: no indicator reached the false-positive rule");
    expect(parsed.text).not.toContain("halflife sweep undo");
  });

  it("logs in when the server requires it", async () => {
    const server = await smtp({ auth: { user: "sweeper", password: "correct horse" } });
    await sendMail(mailOptions(server.port, { user: "sweeper", password: "correct horse" }), renderSweepReport(sweepReport()));
    expect((await server.nextMail()).user).toBe("sweeper");
  });

  it("fails with UPSTREAM, without the password, when the login is refused", async () => {
    const server = await smtp({ auth: { user: "sweeper", password: "correct horse" } });
    const error = await failure(() => sendMail(mailOptions(server.port, { user: "sweeper", password: "hunter22" }), renderSweepReport(sweepReport())));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toMatch(/^could not send the report through SMTP server 127\.0\.0\.1:\d+: the login was refused \(server said: 535/);
    expect(error.message).not.toContain("hunter22");
    expect(error.message).not.toContain("\n");
    expect(server.received).toHaveLength(0);
  });

  it("fails with UPSTREAM when the server wants a login and none is set", async () => {
    const server = await smtp({ auth: { user: "sweeper", password: "correct horse" } });
    const error = await failure(() => sendMail(mailOptions(server.port), renderSweepReport(sweepReport())));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("the server wants a login, and no user and password are set");
  });

  it("fails fast with a one-line UPSTREAM error when nothing listens", async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await failure(() => sendMail(mailOptions(port), renderSweepReport(sweepReport())));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toEqual({ code: "UPSTREAM", message: `could not send the report through SMTP server 127.0.0.1:${port}: connection refused` });
  });

  it("gives up after the timeout when the server never greets", async () => {
    const silent = createServer(() => {}); // accepts the connection and says nothing
    sockets.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const error = await failure(() => sendMail(mailOptions(port, { timeoutMs: 300 }), renderSweepReport(sweepReport())));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("no answer within 300 ms");
  });

  it("upgrades with STARTTLS when required and offered", async () => {
    const server = await smtp({ starttls: true });
    await sendMail(mailOptions(server.port, { starttls: "required", verifyTls: false }), renderSweepReport(sweepReport()));
    expect((await server.nextMail()).secure).toBe(true);
  });

  it("refuses to send in clear text when STARTTLS is required and not offered", async () => {
    const server = await smtp({ starttls: false });
    const error = await failure(() => sendMail(mailOptions(server.port, { starttls: "required" }), renderSweepReport(sweepReport())));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("STARTTLS failed");
    expect(server.received).toHaveLength(0);
  });

  it("sends in clear text when STARTTLS is ignored, even when offered", async () => {
    const server = await smtp({ starttls: true });
    await sendMail(mailOptions(server.port, { starttls: "ignored" }), renderSweepReport(sweepReport()));
    expect((await server.nextMail()).secure).toBe(false);
  });

  it("speaks TLS from the first byte with secure", async () => {
    const server = await smtp({ secure: true });
    await sendMail(mailOptions(server.port, { secure: true, verifyTls: false }), renderSweepReport(sweepReport()));
    expect((await server.nextMail()).secure).toBe(true);
  });

  it("refuses a self-signed certificate unless told not to verify it", async () => {
    const server = await smtp({ secure: true });
    const error = await failure(() => sendMail(mailOptions(server.port, { secure: true }), renderSweepReport(sweepReport())));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("the server's TLS certificate was refused (DEPTH_ZERO_SELF_SIGNED_CERT)");
  });
});
