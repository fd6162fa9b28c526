/**
 * MISP's access rules as SQL conditions and as in-memory checks, shared by every query that lists
 * events, objects, attributes or sightings, so that an organisation sees the same things
 * everywhere. The SQL and the in-memory versions state the same rule; the authorization matrix
 * test (test/http/authorization-matrix.test.ts) checks every route against it.
 *
 * - Site admins see everything.
 * - An event is visible to its owner organisation (`org_id`), and to everyone when its
 *   distribution is community, connected or all (1–3). Sharing groups (4) are the owner's only.
 * - The owner organisation sees everything in its events. Anyone else sees an attribute only when
 *   the event is visible, the attribute's own distribution lets them in (1–3, or 5 "inherit"),
 *   and, for an attribute inside an object, the object's distribution lets them in too. The same
 *   holds for the object itself.
 * - Soft-deleted attributes and objects are the owner's (and site admins' and sync users', who
 *   replicate deletions) only.
 * - Sightings are visible only on attributes the viewer may see, and then by the sightings policy:
 *   0 the event owner sees all, others their own; 1 plus organisations that reported a sighting on
 *   the event see all of its sightings; 2 everyone sees all; 3 as 0, plus the host organisation's
 *   sightings for everyone.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { AttributeRecord, EventRecord, ObjectRecord } from "../core/domain.js";
import type { Database } from "./schema.js";
import type { Viewer } from "./store.js";

/** Event distributions that reach other organisations. */
const SHARED = [1, 2, 3];
/** Attribute and object distributions that reach whoever sees the event (5 inherits the event's). */
const PASSES_ON = [...SHARED, 5];

const always = () => sql<SqlBool>`1 = 1`;

/** Condition on table `e` (events). */
export function eventVisible(eb: ExpressionBuilder<Database & { e: Database["events"] }, "e">, viewer: Viewer): Expression<SqlBool> {
  if (viewer.siteAdmin) return always();
  return eb.or([eb("e.org_id", "=", viewer.orgId), eb("e.distribution", "in", SHARED)]);
}

/** Condition on tables `a` (attributes) and `e` (its event). */
export function attributeVisible(
  eb: ExpressionBuilder<Database & { a: Database["attributes"]; e: Database["events"] }, "a" | "e">,
  viewer: Viewer,
): Expression<SqlBool> {
  if (viewer.siteAdmin) return always();
  const shared: Expression<SqlBool>[] = [
    eb("e.distribution", "in", SHARED),
    eb("a.distribution", "in", PASSES_ON),
    // Most attributes belong to no object: the object's rule costs them nothing.
    eb.or([
      eb("a.object_id", "=", 0),
      eb.exists(
        eb
          .selectFrom("objects as o")
          .select(sql`1`.as("one"))
          .whereRef("o.id", "=", "a.object_id")
          .where("o.distribution", "in", PASSES_ON)
          .where((inner) => (viewer.sync ? always() : inner("o.deleted", "=", 0))),
      ),
    ]),
  ];
  if (!viewer.sync) shared.push(eb("a.deleted", "=", 0));
  return eb.or([eb("e.org_id", "=", viewer.orgId), eb.and(shared)]);
}

/**
 * Condition on table `s` (sightings): the sighting's attribute is visible, and the policy lets the
 * viewer see this organisation's sighting. Both are probes by primary key, so a viewer who sees
 * everything costs nothing and a sighting query never needs joins of its own.
 */
export function sightingVisible(eb: ExpressionBuilder<Database & { s: Database["sightings"] }, "s">, viewer: Viewer): Expression<SqlBool> {
  if (viewer.siteAdmin) return always();
  const onVisibleAttribute = eb.exists(
    eb
      .selectFrom("attributes as a")
      .innerJoin("events as e", "e.id", "a.event_id")
      .select(sql`1`.as("one"))
      .whereRef("a.id", "=", "s.attribute_id")
      .where((inner) => attributeVisible(inner as never, viewer)),
  );
  if (viewer.sightingsPolicy === 2) return onVisibleAttribute;
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
  return eb.and([onVisibleAttribute, eb.or(own)]);
}

/** The same rules in memory, for records already loaded. */
export function isEventVisible(event: EventRecord, viewer: Viewer): boolean {
  return viewer.siteAdmin || event.org_id === viewer.orgId || SHARED.includes(event.distribution);
}

/** An object of a visible event, by the rule above. */
export function isObjectVisible(object: ObjectRecord, event: EventRecord, viewer: Viewer): boolean {
  if (viewer.siteAdmin || event.org_id === viewer.orgId) return true;
  return SHARED.includes(event.distribution) && PASSES_ON.includes(object.distribution) && (!object.deleted || viewer.sync === true);
}

/**
 * An attribute, by the rule above. `object` is the attribute's object when it has one; an object
 * attribute checked without its object is refused to everyone but the owner (fail closed).
 */
export function isAttributeVisible(attribute: AttributeRecord, event: EventRecord, object: ObjectRecord | null, viewer: Viewer): boolean {
  if (viewer.siteAdmin || event.org_id === viewer.orgId) return true;
  if (!SHARED.includes(event.distribution) || !PASSES_ON.includes(attribute.distribution)) return false;
  if (attribute.deleted && viewer.sync !== true) return false;
  if (attribute.object_id === 0) return true;
  return object !== null && object.id === attribute.object_id && isObjectVisible(object, event, viewer);
}
