/**
 * MISP's visibility rules as SQL conditions, shared by every query that lists events, attributes or
 * sightings, so that an organisation sees the same things everywhere.
 *
 * - An event is visible to its owner organisation, and to everyone when its distribution is
 *   community, connected or all (1–3). Sharing groups (4) are treated as the owner only.
 * - An attribute is visible when its event is, and its own distribution is not "organisation
 *   only" (0) or a sharing group (4), unless the viewer owns the event.
 * - Sightings follow the sightings policy, one rule for listings, scores and the sweep:
 *   0 the event owner sees all, others their own; 1 plus organisations that reported a sighting on
 *   the event see all of its sightings; 2 everyone sees all; 3 as 0, plus the host organisation's
 *   sightings for everyone. Site admins see everything.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { AttributeRecord, EventRecord } from "../core/domain.js";
import type { Database } from "./schema.js";
import type { Viewer } from "./store.js";

const SHARED = [1, 2, 3];

/** Condition on table `e` (events). */
export function eventVisible(eb: ExpressionBuilder<Database & { e: Database["events"] }, "e">, viewer: Viewer): Expression<SqlBool> {
  if (viewer.siteAdmin) return sql<SqlBool>`1 = 1`;
  return eb.or([eb("e.org_id", "=", viewer.orgId), eb("e.distribution", "in", SHARED)]);
}

/** Condition on tables `a` (attributes) and `e` (its event). */
export function attributeVisible(
  eb: ExpressionBuilder<Database & { a: Database["attributes"]; e: Database["events"] }, "a" | "e">,
  viewer: Viewer,
): Expression<SqlBool> {
  if (viewer.siteAdmin) return sql<SqlBool>`1 = 1`;
  return eb.or([
    eb("e.org_id", "=", viewer.orgId),
    eb.and([eb("e.distribution", "in", SHARED), eb("a.distribution", "in", [...SHARED, 5])]),
  ]);
}

/**
 * Condition on table `s` (sightings). The event owner's privilege is a probe of the event, so that
 * a viewer who sees everything costs nothing and a sighting query never needs to join events.
 */
export function sightingVisible(eb: ExpressionBuilder<Database & { s: Database["sightings"] }, "s">, viewer: Viewer): Expression<SqlBool> {
  if (viewer.siteAdmin || viewer.sightingsPolicy === 2) return sql<SqlBool>`1 = 1`;
  const own: Expression<SqlBool>[] = [
    eb("s.org_id", "=", viewer.orgId),
    eb.exists(eb.selectFrom("events as owner").select(sql`1`.as("one")).whereRef("owner.id", "=", "s.event_id").where("owner.org_id", "=", viewer.orgId)),
  ];
  if (viewer.sightingsPolicy === 3) own.push(eb("s.org_id", "=", viewer.hostOrgId));
  if (viewer.sightingsPolicy === 1) {
    own.push(
      eb.exists(
        eb
          .selectFrom("sightings as mine")
          .select(sql`1`.as("one"))
          .whereRef("mine.event_id", "=", "s.event_id")
          .where("mine.org_id", "=", viewer.orgId),
      ),
    );
  }
  return eb.or(own);
}

/** The same rules in memory, for records already loaded. */
export function isEventVisible(event: EventRecord, viewer: Viewer): boolean {
  return viewer.siteAdmin || event.org_id === viewer.orgId || SHARED.includes(event.distribution);
}

export function isAttributeVisible(attribute: AttributeRecord, event: EventRecord, viewer: Viewer): boolean {
  if (viewer.siteAdmin || event.org_id === viewer.orgId) return true;
  return SHARED.includes(event.distribution) && [...SHARED, 5].includes(attribute.distribution);
}
