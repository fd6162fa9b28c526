/**
 * Reads the configuration once: a JSON file (when `--config` names one), then the environment on
 * top. An invalid value stops start-up with a message naming the variable.
 */
import { readFileSync } from "node:fs";
import { configSchema, CONFIG_KEYS, type Config } from "./schema.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Partial<Record<string, unknown>> } = {}): Config {
  const env = options.env ?? process.env;
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, "utf8");
    } catch (error) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new ConfigError(`config file ${options.file} is not valid JSON`);
    }
    if (fromFile === null || typeof fromFile !== "object" || Array.isArray(fromFile)) {
      throw new ConfigError(`config file ${options.file} must hold a JSON object`);
    }
    const unknown = Object.keys(fromFile).filter((key) => !(CONFIG_KEYS as string[]).includes(key));
    if (unknown.length > 0) throw new ConfigError(`config file ${options.file}: unknown setting ${unknown.join(", ")}`);
  }

  const merged: Record<string, unknown> = { ...fromFile };
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== "") merged[key] = value;
  }
  Object.assign(merged, options.overrides ?? {});

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join(".")} ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}
