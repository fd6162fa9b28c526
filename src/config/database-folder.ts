/**
 * The SQLite file's folder must exist before the store opens: a typo in HALFLIFE_DB should stop
 * start-up with a sentence, not create a tree of folders that nobody meant. `--create-dirs` asks
 * for them. The default location (./data) is Halflife's own choice, so it is made when missing.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigError, settingGiven, settingName } from "./load.js";
import type { Config } from "./schema.js";

export function prepareDatabaseFolder(config: Config, options: { createDirs: boolean }): void {
  if (config.DATABASE_URL || config.HALFLIFE_DB === ":memory:") return;
  const folder = path.dirname(path.resolve(config.HALFLIFE_DB));
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) {
      throw new ConfigError(`${settingName(config, "HALFLIFE_DB")} names a database in ${folder}, which is a file, not a folder`);
    }
    return;
  }
  if (options.createDirs || !settingGiven(config, "HALFLIFE_DB")) {
    mkdirSync(folder, { recursive: true });
    return;
  }
  throw new ConfigError(
    `${settingName(config, "HALFLIFE_DB")} names a database in ${folder}, which does not exist; create that folder, or pass --create-dirs to have it made`,
  );
}
