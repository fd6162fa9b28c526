/**
 * Sweep runs whose process died were marked interrupted with the totals they started with (all
 * zero), although every change they made was recorded, and listed as "checked 0, changed 0" after
 * changing thousands of attributes. Their changed and republished counts are recounted from their
 * change records, as the store now does when it marks a run interrupted. How many attributes such
 * a run had checked was never recorded, and stays as it is.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update sweep_runs set
      attributes_changed = (select count(*) from sweep_changes c where c.run_id = sweep_runs.id),
      events_republished = (select count(distinct c.event_ref) from sweep_changes c where c.run_id = sweep_runs.id and c.republished = 1)
    where status = 'interrupted'`.execute(db);
}
