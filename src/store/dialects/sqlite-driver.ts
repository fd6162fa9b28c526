/**
 * Kysely's driver for SQLite, made for a server that shares its file with other processes.
 *
 * better-sqlite3 is synchronous and Kysely's own SQLite driver puts every statement on one
 * connection behind one mutex, so a long write transaction held every request, reads included, and
 * a deferred transaction that read first and then wrote got "database is locked" at once when
 * another process held the write lock (SQLite does not wait in that case). Here instead:
 *
 * - reads outside a transaction go to a second, read-only connection: in WAL mode they see the
 *   last commit and never wait for a writer;
 * - every write takes the write lock up front (`BEGIN IMMEDIATE`), waiting for it without
 *   blocking the event loop (write-turn.ts), and gives up after its patience with a typed
 *   UNAVAILABLE error (HTTP 503), never "database is locked";
 * - a run of statements (a transaction's, or a loop of reads) lets the event loop have a turn once
 *   it has held it for a slice of time, so that health checks, other requests and timers go on
 *   while long work runs. Each statement on its own stays short: long work is cut by its callers.
 */
import { performance } from "node:perf_hooks";
import type SqliteDatabase from "better-sqlite3";
import { SelectQueryNode, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from "kysely";
import { HalflifeError } from "../../core/errors.js";
import { WriteTurn } from "./write-turn.js";

export interface SqliteDriverOptions {
  writer: SqliteDatabase.Database;
  /** A second connection for reads; null for an in-memory database, which has only one. */
  reader: SqliteDatabase.Database | null;
  /** How long a write waits for the lock before it fails (ms). */
  patienceMs: number;
  /** The longest a transaction runs statements without letting the event loop have a turn (ms). */
  sliceMs: number;
  pollMs?: { min: number; max: number };
}

const isBusy = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function run(database: SqliteDatabase.Database, compiled: CompiledQuery): QueryResult<unknown> {
  const statement = database.prepare(compiled.sql);
  if (statement.reader) return { rows: statement.all(compiled.parameters as unknown[]) };
  const { changes, lastInsertRowid } = statement.run(compiled.parameters as unknown[]);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

export class SqliteWriterDriver implements Driver {
  private readonly turn: WriteTurn;
  /** When the event loop last reached its check phase (setImmediate callbacks), as far as we saw. */
  private loopSeenAt = performance.now();
  private watching = false;

  constructor(private readonly options: SqliteDriverOptions) {
    this.turn = new WriteTurn({
      patienceMs: options.patienceMs,
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      tryLock: () => {
        try {
          options.writer.exec("begin immediate");
          return true;
        } catch (error) {
          if (isBusy(error)) return false;
          throw error;
        }
      },
      busy: (waited) =>
        new HalflifeError(
          "UNAVAILABLE",
          `the database is busy: another writer held it for ${(waited / 1000).toFixed(1)} s (a sweep, an import or a model rebuild); try again shortly`,
        ),
    });
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutedConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.takeWriter();
    (connection as RoutedConnection).beginWriting();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.options.writer.exec("commit");
    (connection as RoutedConnection).endWriting();
    this.turn.release();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      if (this.options.writer.inTransaction) this.options.writer.exec("rollback");
    } finally {
      (connection as RoutedConnection).endWriting();
      this.turn.release();
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // A transaction whose commit and rollback both failed must not keep the lock.
    if ((connection as RoutedConnection).writing) await this.rollbackTransaction(connection);
  }

  async destroy(): Promise<void> {
    this.options.reader?.close();
    this.options.writer.close();
  }

  /** Takes this process's turn and the file's write lock: `BEGIN IMMEDIATE` has run when it resolves. */
  takeWriter(): Promise<void> {
    return this.turn.take();
  }

  /**
   * Runs `work` on the writer connection inside its own write transaction, outside Kysely (the
   * planner's statistics, the bulk inserts of a transaction use the raw handle directly).
   */
  async withWriter<T>(work: (writer: SqliteDatabase.Database) => T): Promise<T> {
    await this.takeWriter();
    try {
      const result = work(this.options.writer);
      this.options.writer.exec("commit");
      return result;
    } catch (error) {
      if (this.options.writer.inTransaction) this.options.writer.exec("rollback");
      throw error;
    } finally {
      this.turn.release();
    }
  }

  /**
   * Lets the event loop have a turn when statements have kept it for a slice: awaiting a statement
   * that already ran only queues a microtask, so a loop of statements never lets I/O in by itself.
   */
  private async fairTurn(): Promise<void> {
    if (!this.watching) {
      this.watching = true;
      setImmediate(() => {
        this.watching = false;
        this.loopSeenAt = performance.now();
      });
    }
    if (performance.now() - this.loopSeenAt >= this.options.sliceMs) {
      await nextTurn();
      this.loopSeenAt = performance.now();
    }
  }

  /** A statement outside any transaction: a read on the reader; a write in a transaction of its own. */
  async single(compiled: CompiledQuery): Promise<QueryResult<unknown>> {
    await this.fairTurn();
    if (SelectQueryNode.is(compiled.query)) {
      return run(this.options.reader ?? this.options.writer, compiled);
    }
    return this.withWriter((writer) => run(writer, compiled));
  }

  /** A statement of the open transaction, on the writer. */
  async inTransaction(compiled: CompiledQuery): Promise<QueryResult<unknown>> {
    await this.fairTurn();
    return run(this.options.writer, compiled);
  }
}

class RoutedConnection implements DatabaseConnection {
  writing = false;

  constructor(private readonly driver: SqliteWriterDriver) {}

  beginWriting(): void {
    this.writing = true;
  }

  endWriting(): void {
    this.writing = false;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = this.writing ? this.driver.inTransaction(compiled) : this.driver.single(compiled);
    return result as Promise<QueryResult<R>>;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // An open iterator would keep the connection busy across awaits: Halflife pages with keysets.
    throw new Error("the SQLite store does not stream queries; page with a keyset instead");
  }
}
