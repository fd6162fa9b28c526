// The systemd unit that docs/operations.md describes, checked by systemd's own verifier. The unit's
// ExecStart names where a global install puts the executable; the check points it at this
// checkout's, since verify insists that the program exists.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/data.js";
import { temporaryFolder } from "../support/temp.js";

const verifier = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((file) => existsSync(file));
const unit = readFileSync(path.join(projectRoot, "deploy/halflife.service"), "utf8");

describe("the systemd unit", () => {
  it("runs halflife serve as its own user, with its data directory and environment file", () => {
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/halflife serve$/m);
    expect(unit).toMatch(/^User=halflife$/m);
    expect(unit).toMatch(/^StateDirectory=halflife$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/halflife\/halflife\.env$/m);
    const env = readFileSync(path.join(projectRoot, "deploy/halflife.env"), "utf8");
    expect(env).toMatch(/^HALFLIFE_DB=\/var\/lib\/halflife\/halflife\.db$/m);
  });

  it.skipIf(!verifier)("passes systemd-analyze verify without a warning (skipped where systemd-analyze is not installed)", () => {
    const dir = temporaryFolder("unit");
    const file = path.join(dir, "halflife.service");
    writeFileSync(file, unit.replace("/usr/local/bin/halflife", path.join(projectRoot, "bin/halflife.js")));
    const result = spawnSync(verifier!, ["verify", "--man=no", file], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
