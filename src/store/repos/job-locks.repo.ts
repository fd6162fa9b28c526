/**
 * Job locks, one implementation per database, behind one port:
 *
 * - PostgreSQL: a session advisory lock on a connection held for as long as the lock. Many
 *   Halflife nodes can share the database and exactly one gets the lock; if its process dies, the
 *   server drops the connection and the lock with it. A row in job_locks only says who holds it.
 * - SQLite: the row in job_locks is the lock, taken with one atomic statement. It carries the
 *   holder's pid and host and an expiry that a timer keeps pushing forward while the holder
 *   lives. A lock whose expiry passed, or whose holder is a process on this host that no longer
 *   exists, is taken over, so a crashed sweep blocks the next one for a minute at most.
 *
 * Lock times are real time (Date.now), not the application clock, which tests fix.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { sql, type Selectable } from "kysely";
import type { JobLocksTable, SweepTables } from "../sweep-schema.js";
import type { HeldLock, JobLocksPort, LockAttempt, LockHolderInfo } from "../store.js";
import type { Db } from "./common.js";

export interface SqliteLockOptions {
  /** How long a lock lives without a heartbeat (default 60 s). */
  ttlMs?: number;
  /** How often the holder pushes the expiry forward (default a quarter of the TTL). */
  heartbeatMs?: number;
}

const holderOf = (row: Selectable<JobLocksTable>): LockHolderInfo => ({
  pid: Number(row.pid),
  host: row.host,
  label: row.label,
  acquiredAt: Number(row.acquired_at),
});

/** Whether a process with this pid exists on this machine (EPERM: it does, under another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function sqliteLocks(base: Db, options: SqliteLockOptions = {}): JobLocksPort {
  const db = base.withTables<SweepTables>();
  const ttlMs = options.ttlMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(1_000, Math.floor(ttlMs / 4));
  const host = hostname();

  return {
    async tryAcquire(name, label): Promise<LockAttempt> {
      const token = randomUUID();
      const now = Date.now();
      const mine = { name, token, pid: process.pid, host, label, acquired_at: now, expires_at: now + ttlMs };
      // One statement, so two processes racing for the lock cannot both win: the insert either
      // creates the row, or takes over an expired one, or changes nothing.
      await db
        .insertInto("job_locks")
        .values(mine)
        .onConflict((oc) =>
          oc.column("name").doUpdateSet({ token, pid: mine.pid, host, label, acquired_at: now, expires_at: mine.expires_at }).where("job_locks.expires_at", "<", now),
        )
        .execute();
      let row = await db.selectFrom("job_locks").selectAll().where("name", "=", name).executeTakeFirst();
      if (row && row.token !== token && row.host === host && Number(row.pid) !== process.pid && !processExists(Number(row.pid))) {
        // The holder died on this machine without releasing: take over, but only from that very
        // holder (its token), in case a live process was quicker.
        await db
          .updateTable("job_locks")
          .set({ token, pid: mine.pid, label, acquired_at: now, expires_at: mine.expires_at })
          .where("name", "=", name)
          .where("token", "=", row.token)
          .execute();
        row = await db.selectFrom("job_locks").selectAll().where("name", "=", name).executeTakeFirst();
      }
      if (!row || row.token !== token) return { acquired: false, holder: row ? holderOf(row) : null };

      const heartbeat = setInterval(() => {
        db.updateTable("job_locks")
          .set({ expires_at: Date.now() + ttlMs })
          .where("name", "=", name)
          .where("token", "=", token)
          .execute()
          .catch(() => {
            // A missed heartbeat only shortens the lock's life; the next one may succeed.
          });
      }, heartbeatMs);
      heartbeat.unref();
      let released = false;
      const lock: HeldLock = {
        async release() {
          if (released) return;
          released = true;
          clearInterval(heartbeat);
          await db.deleteFrom("job_locks").where("name", "=", name).where("token", "=", token).execute();
        },
      };
      return { acquired: true, lock };
    },
  };
}

export function postgresLocks(base: Db): JobLocksPort {
  const db = base.withTables<SweepTables>();
  const host = hostname();
  return {
    tryAcquire(name, label) {
      return new Promise<LockAttempt>((resolve, reject) => {
        let settled = false;
        let letGo!: () => void;
        const released = new Promise<void>((done) => (letGo = done));
        const token = randomUUID();
        // The advisory lock belongs to this one connection: it is held until the work is done.
        const session = db.connection().execute(async (connection) => {
          const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(${name})) as ok`.execute(connection);
          if (!rows[0]?.ok) {
            const row = await connection.selectFrom("job_locks").selectAll().where("name", "=", name).executeTakeFirst();
            settled = true;
            resolve({ acquired: false, holder: row ? holderOf(row) : null });
            return;
          }
          try {
            const now = Date.now();
            const info = { token, pid: process.pid, host, label, acquired_at: now, expires_at: now };
            await connection
              .insertInto("job_locks")
              .values({ name, ...info })
              .onConflict((oc) => oc.column("name").doUpdateSet(info))
              .execute();
            settled = true;
            resolve({
              acquired: true,
              lock: {
                async release() {
                  letGo();
                  await session.catch(() => {});
                },
              },
            });
            await released;
          } finally {
            await connection.deleteFrom("job_locks").where("name", "=", name).where("token", "=", token).execute().catch(() => {});
            await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(connection);
          }
        });
        session.catch((error: unknown) => {
          if (!settled) reject(error);
        });
      });
    },
  };
}
