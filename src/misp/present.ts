/**
 * Domain records → MISP's JSON. MISP writes ids, counts and timestamps as strings and flags as
 * booleans; PyMISP and MISP scripts rely on these shapes, so they are kept exactly. Database rows
 * never reach the wire except through these functions.
 */
import type {
  AttributeRecord,
  AttributeView,
  EventRecord,
  EventTree,
  ObjectRecord,
  OrgRecord,
  RoleRecord,
  SightingRecord,
  TagLinkRecord,
  TagRecord,
  TaxonomyRecord,
  UserRecord,
} from "../core/domain.js";
import { isoFromMicroseconds } from "./attribute-values.js";
import { presentOrganisation, presentRoleFields, presentUserFields } from "./present-admin.js";

type Json = Record<string, unknown>;
const str = (value: number) => String(value);

export function presentOrgBrief(org: OrgRecord | undefined): Json {
  return org ? { id: str(org.id), name: org.name, uuid: org.uuid } : { id: "0", name: "", uuid: "" };
}

export function presentOrg(org: OrgRecord): Json {
  return {
    id: str(org.id),
    name: org.name,
    uuid: org.uuid,
    description: org.description,
    local: org.local,
    date_created: new Date(org.created * 1000).toISOString().replace("T", " ").slice(0, 19),
  };
}

export function presentTag(tag: TagRecord, extra: Json = {}): Json {
  return {
    id: str(tag.id),
    name: tag.name,
    colour: tag.colour,
    exportable: tag.exportable,
    org_id: str(tag.org_id),
    user_id: str(tag.user_id),
    hide_tag: tag.hide_tag,
    numerical_value: tag.numerical_value === null ? null : String(tag.numerical_value),
    is_galaxy: tag.is_galaxy,
    is_custom_galaxy: tag.is_custom_galaxy,
    local_only: tag.local_only,
    ...extra,
  };
}

function presentLinks(links: readonly TagLinkRecord[], inherited: boolean): Json[] {
  return links.map((link) => presentTag(link.tag, inherited ? { local: link.local ? 1 : 0, inherited: 1 } : { local: link.local ? 1 : 0 }));
}

export function presentSighting(sighting: SightingRecord, orgs: Map<number, OrgRecord>, extra: Json = {}): Json {
  return {
    id: str(sighting.id),
    attribute_id: str(sighting.attribute_id),
    event_id: str(sighting.event_id),
    org_id: str(sighting.org_id),
    date_sighting: str(sighting.date_sighting),
    uuid: sighting.uuid,
    source: sighting.source,
    type: str(sighting.type),
    ...extra,
    Organisation: presentOrgBrief(orgs.get(sighting.org_id)),
  };
}

/** The attribute's own fields, in MISP's order. */
export function attributeFields(attribute: AttributeRecord): Json {
  return {
    id: str(attribute.id),
    event_id: str(attribute.event_id),
    object_id: str(attribute.object_id),
    object_relation: attribute.object_relation,
    category: attribute.category,
    type: attribute.type,
    to_ids: attribute.to_ids,
    uuid: attribute.uuid,
    timestamp: str(attribute.timestamp),
    distribution: str(attribute.distribution),
    sharing_group_id: str(attribute.sharing_group_id),
    comment: attribute.comment,
    deleted: attribute.deleted,
    disable_correlation: attribute.disable_correlation,
    first_seen: isoFromMicroseconds(attribute.first_seen),
    last_seen: isoFromMicroseconds(attribute.last_seen),
    value: attribute.value,
  };
}

export interface AttributePresentation {
  orgs: Map<number, OrgRecord>;
  /** Flattened listings (restSearch) carry a small Event stub; attributes inside an event do not. */
  withEvent: boolean;
  withEventUuid?: boolean;
  /** Inside events/view MISP adds an empty ShadowAttribute list. */
  inEvent?: boolean;
}

export function presentAttribute(view: AttributeView, options: AttributePresentation): Json {
  const { attribute } = view;
  const out = attributeFields(attribute);
  if (options.withEventUuid && view.event) out.event_uuid = view.event.uuid;
  if (options.withEvent && view.event) {
    out.Event = {
      org_id: str(view.event.org_id),
      distribution: str(view.event.distribution),
      id: str(view.event.id),
      info: view.event.info,
      orgc_id: str(view.event.orgc_id),
      uuid: view.event.uuid,
    };
  }
  if (options.withEvent && view.object) {
    out.Object = { id: str(view.object.id), distribution: str(view.object.distribution), sharing_group_id: str(view.object.sharing_group_id) };
  }
  const tags = [...presentLinks(view.tags, false), ...presentLinks(view.eventTags ?? [], true)];
  if (tags.length) out.Tag = tags;
  if (view.sightings) out.Sighting = view.sightings.map((s) => presentSighting(s, options.orgs, { attribute_uuid: attribute.uuid }));
  if (options.inEvent) out.ShadowAttribute = [];
  if (view.decayScore) out.decay_score = view.decayScore;
  return out;
}

export function presentObject(object: ObjectRecord, attributes: AttributeView[], orgs: Map<number, OrgRecord>): Json {
  return {
    id: str(object.id),
    name: object.name,
    "meta-category": object.meta_category,
    description: object.description,
    template_uuid: object.template_uuid,
    template_version: object.template_version,
    event_id: str(object.event_id),
    uuid: object.uuid,
    timestamp: str(object.timestamp),
    distribution: str(object.distribution),
    sharing_group_id: str(object.sharing_group_id),
    comment: object.comment,
    deleted: object.deleted,
    first_seen: isoFromMicroseconds(object.first_seen),
    last_seen: isoFromMicroseconds(object.last_seen),
    ObjectReference: [],
    Attribute: attributes.map((view) => presentAttribute(view, { orgs, withEvent: false, inEvent: true })),
  };
}

/** RelatedAttribute entries: the correlating attribute with a brief of its event. */
export function presentCorrelations(correlations: ReadonlyArray<{ attribute: AttributeRecord; event: EventRecord }>): Json[] {
  return correlations.map(({ attribute, event }) => ({
    id: str(attribute.id),
    event_id: str(attribute.event_id),
    object_id: str(attribute.object_id),
    value: attribute.value,
    type: attribute.type,
    category: attribute.category,
    uuid: attribute.uuid,
    Event: {
      id: str(event.id),
      uuid: event.uuid,
      info: event.info,
      date: event.date,
      org_id: str(event.org_id),
      orgc_id: str(event.orgc_id),
      published: event.published,
      distribution: str(event.distribution),
      threat_level_id: str(event.threat_level_id),
      analysis: str(event.analysis),
    },
  }));
}

/** RelatedEvent entries: `{ Event: {…} }` briefs of the correlating events. */
export function presentRelatedEvents(events: readonly EventRecord[]): Json[] {
  return events.map((event) => ({
    Event: {
      id: str(event.id),
      uuid: event.uuid,
      info: event.info,
      date: event.date,
      org_id: str(event.org_id),
      orgc_id: str(event.orgc_id),
      published: event.published,
      distribution: str(event.distribution),
      threat_level_id: str(event.threat_level_id),
      analysis: str(event.analysis),
      timestamp: str(event.timestamp),
    },
  }));
}

/** The event's own fields, in MISP's order. */
export function eventFields(event: EventRecord, attributeCount: number): Json {
  return {
    id: str(event.id),
    orgc_id: str(event.orgc_id),
    org_id: str(event.org_id),
    date: event.date,
    threat_level_id: str(event.threat_level_id),
    info: event.info,
    published: event.published,
    uuid: event.uuid,
    attribute_count: str(attributeCount),
    analysis: str(event.analysis),
    timestamp: str(event.timestamp),
    distribution: str(event.distribution),
    proposal_email_lock: false,
    locked: event.locked,
    publish_timestamp: str(event.publish_timestamp),
    sharing_group_id: str(event.sharing_group_id),
    disable_correlation: event.disable_correlation,
    extends_uuid: event.extends_uuid,
    protected: null,
  };
}

/** The tree without the tags MISP keeps out of its answers (exportable: false), as it shows them. */
function exportableTags(tree: EventTree): EventTree {
  const keep = (links: readonly TagLinkRecord[]) => links.filter((link) => link.tag.exportable);
  const view = (v: AttributeView): AttributeView => ({ ...v, tags: keep(v.tags), ...(v.eventTags ? { eventTags: keep(v.eventTags) } : {}) });
  return {
    ...tree,
    tags: keep(tree.tags),
    attributes: tree.attributes.map(view),
    objects: tree.objects.map((o) => ({ ...o, attributes: o.attributes.map(view) })),
  };
}

/**
 * events/view: `{"Event": {...}}`. Tags that are not exportable are left out, as MISP leaves them
 * out of every answer, unless `allTags` (restSearch's includeAllTags) asks for them.
 */
export function presentEvent(whole: EventTree, options: { includeScoresOnEvent?: boolean; allTags?: boolean } = {}): Json {
  const tree = options.allTags ? whole : exportableTags(whole);
  const count = tree.attributes.length + tree.objects.reduce((n, o) => n + o.attributes.length, 0);
  const event: Json = {
    ...eventFields(tree.event, count),
    event_creator_email: tree.creatorEmail ?? "",
    Org: { ...presentOrgBrief(tree.orgs.get(tree.event.org_id)), local: true },
    Orgc: { ...presentOrgBrief(tree.orgs.get(tree.event.orgc_id)), local: tree.orgs.get(tree.event.orgc_id)?.local ?? true },
    Attribute: tree.attributes.map((view) => presentAttribute(view, { orgs: tree.orgs, withEvent: false, inEvent: true })),
    ShadowAttribute: [],
    RelatedEvent: [],
    Galaxy: [],
    Object: tree.objects.map((o) => presentObject(o.object, o.attributes, tree.orgs)),
    EventReport: [],
    CryptographicKey: [],
    Tag: presentLinks(tree.tags, false),
  };
  // MISP computes these but never lets them reach JSON; Halflife shows them when asked.
  if (options.includeScoresOnEvent && tree.eventScores) event.event_scores = tree.eventScores;
  return { Event: event };
}

/** An events/index row. */
export function presentEventIndexRow(event: EventRecord, tags: TagLinkRecord[], attributeCount: number, orgs: Map<number, OrgRecord>): Json {
  return {
    ...eventFields(event, attributeCount),
    sighting_timestamp: "0",
    Org: presentOrgBrief(orgs.get(event.org_id)),
    Orgc: presentOrgBrief(orgs.get(event.orgc_id)),
    EventTag: tags.map((link) => ({ event_id: str(event.id), tag_id: str(link.tag.id), local: link.local, Tag: presentTag(link.tag) })),
  };
}

export function presentRole(role: RoleRecord): Json {
  return presentRoleFields(role);
}

/** users/view/me: User, Role, UserSetting and Organisation, as PyMISP requires. */
export function presentMe(user: UserRecord, role: RoleRecord, org: OrgRecord): Json {
  return {
    User: { ...presentUserFields(user), password: "*****" },
    Role: presentRoleFields(role),
    UserSetting: [],
    Organisation: presentOrganisation(org),
  };
}

export function presentTaxonomy(taxonomy: TaxonomyRecord): Json {
  return {
    id: str(taxonomy.id),
    namespace: taxonomy.namespace,
    description: taxonomy.description,
    version: str(taxonomy.version),
    enabled: taxonomy.enabled,
    exclusive: taxonomy.exclusive,
    required: taxonomy.required,
    highlighted: taxonomy.highlighted,
  };
}

/** MISP's error body: the same text in name and message, and the request path. */
export function presentError(message: string, url: string, extra: Json = {}): Json {
  return { name: message, message, url, ...extra };
}

/** MISP's success body for actions (publish, enable...). */
export function presentSaved(name: string, url: string, id?: number | string, extra: Json = {}): Json {
  return { saved: true, success: true, name, message: name, url, ...(id === undefined ? {} : { id: String(id) }), ...extra };
}
