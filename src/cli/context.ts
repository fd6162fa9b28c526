/**
 * What a command needs from the outside world, handed in by main.ts (the composition root), so
 * that commands stay testable and never construct the store or read the environment themselves.
 */
import type { Readable, Writable } from "node:stream";
import type { FormulaRegistry } from "../core/formulas/registry.js";

export interface CliContext {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Unix seconds. */
  now(): number;
  /** The formula registry, with plug-ins from HALFLIFE_FORMULA_DIR (loads config on first use). */
  formulas(): Promise<FormulaRegistry>;
  /** Whether stderr is a terminal (progress bars show only there). */
  interactive: boolean;
}
