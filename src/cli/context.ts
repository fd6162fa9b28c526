/**
 * What a command needs from the outside world, handed in by main.ts (the composition root), so
 * that commands stay testable and never construct the store or read the environment themselves.
 */
import type { Readable, Writable } from "node:stream";
import type { FormulaRegistry } from "../core/formulas/registry.js";
import type { AppContext } from "../app/context.js";
import type { Principal } from "../core/domain.js";

/** The opened application, as the instance itself (the first site admin). */
export interface CliApp {
  context: AppContext;
  admin: Principal;
  /** Set when this call created the admin's first key (a new store). */
  adminKey: string | null;
}

export interface CliContext {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Unix seconds. */
  now(): number;
  /** The formula registry, with plug-ins from HALFLIFE_FORMULA_DIR (loads config on first use). */
  formulas(): Promise<FormulaRegistry>;
  /**
   * Opens the store (running migrations and first-start set-up); closed when the command ends.
   * Formula plug-ins load with it, for the commands that score or write what scores depend on;
   * `{ plugins: false }` opens it with the built-in formulas only (administration, run listings,
   * a remote sweep), so that no plug-in code runs for them.
   */
  app(options?: { plugins?: boolean }): Promise<CliApp>;
  /** Whether stderr is a terminal (progress bars show only there). */
  interactive: boolean;
}
