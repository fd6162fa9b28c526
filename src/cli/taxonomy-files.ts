/** Reads a misp-taxonomies checkout (or any directory of `<namespace>/machinetag.json` files). */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseMachinetag, type Taxonomy } from "../core/taxonomy.js";
import { isHalflifeError } from "../core/errors.js";
import { UsageError } from "./errors.js";

export function readTaxonomyDirectory(directory: string): Taxonomy[] {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new UsageError(`${directory} is not a directory`);
  const files = existsSync(path.join(directory, "machinetag.json"))
    ? [path.join(directory, "machinetag.json")]
    : readdirSync(directory)
        .sort()
        .map((name) => path.join(directory, name, "machinetag.json"))
        .filter((file) => existsSync(file));
  if (files.length === 0) throw new UsageError(`${directory} holds no machinetag.json files`);
  return files.map((file) => {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    try {
      return parseMachinetag(document);
    } catch (error) {
      if (isHalflifeError(error)) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
  });
}
