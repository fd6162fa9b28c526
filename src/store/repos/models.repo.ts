import type { Insertable, Selectable, Updateable } from "kysely";
import type { DecayingModelRecord } from "../../core/domain.js";
import type { ValidParameters } from "../../core/models.js";
import type { ChangeTracker } from "../changes.js";
import type { DecayingModelsTable } from "../schema.js";
import type { ModelsPort } from "../store.js";
import { chunks, type Db } from "./common.js";

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toModel(row: Selectable<DecayingModelsTable>): DecayingModelRecord {
  return {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    description: row.description,
    formula: row.formula,
    parameters: parseJson<ValidParameters>(row.parameters, { threshold: 0, default_base_score: 0, base_score_config: {}, settings: {} }),
    attribute_types: parseJson<string[]>(row.attribute_types, []),
    org_id: row.org_id,
    enabled: row.enabled === 1,
    all_orgs: row.all_orgs === 1,
    ref: parseJson<string[] | null>(row.ref, null),
    version: row.version,
    default: row.is_default === 1,
  };
}

function toRow(fields: Partial<Omit<DecayingModelRecord, "id">>): Updateable<DecayingModelsTable> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === "parameters" || key === "attribute_types") row[key] = JSON.stringify(value);
    else if (key === "ref") row.ref = value === null ? null : JSON.stringify(value);
    else if (key === "default") row.is_default = value ? 1 : 0;
    else if (key === "enabled" || key === "all_orgs") row[key] = value ? 1 : 0;
    else row[key] = value;
  }
  return row as Updateable<DecayingModelsTable>;
}

/** Fields whose change alters which attributes a model scores, or how. */
const SCORING_FIELDS = ["formula", "parameters", "enabled", "attribute_types", "default"];

export function modelsRepo(db: Db, changes: ChangeTracker): ModelsPort {
  return {
    async create(model) {
      const row = await db
        .insertInto("decaying_models")
        .values(toRow(model) as Insertable<DecayingModelsTable>)
        .returningAll()
        .executeTakeFirstOrThrow();
      const created = toModel(row);
      if (created.enabled) await changes.models([created.id]);
      return created;
    },
    async byId(id) {
      const row = await db.selectFrom("decaying_models").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toModel(row) : null;
    },
    async byUuid(uuid) {
      const row = await db.selectFrom("decaying_models").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      return row ? toModel(row) : null;
    },
    async list() {
      return (await db.selectFrom("decaying_models").selectAll().orderBy("id").execute()).map(toModel);
    },
    async update(id, fields) {
      const row = toRow(fields);
      if (Object.keys(row).length === 0) return;
      await db.updateTable("decaying_models").set(row).where("id", "=", id).execute();
      if (Object.keys(fields).some((key) => SCORING_FIELDS.includes(key))) await changes.models([id]);
    },
    async delete(id) {
      await db.deleteFrom("decay_index").where("model_id", "=", id).execute();
      await db.deleteFrom("decaying_model_mappings").where("model_id", "=", id).execute();
      await db.deleteFrom("decaying_models").where("id", "=", id).execute();
    },
    async mappings(modelIds) {
      const out = new Map<number, Array<{ id: number; attribute_type: string }>>(modelIds.map((id) => [id, []]));
      for (const part of chunks([...new Set(modelIds)])) {
        if (part.length === 0) continue;
        const rows = await db.selectFrom("decaying_model_mappings").select(["id", "model_id", "attribute_type"]).where("model_id", "in", part).orderBy("id").execute();
        for (const row of rows) out.get(row.model_id)!.push({ id: row.id, attribute_type: row.attribute_type });
      }
      return out;
    },
    async setMappings(modelId, types) {
      await db.deleteFrom("decaying_model_mappings").where("model_id", "=", modelId).execute();
      const unique = [...new Set(types)];
      if (unique.length) await db.insertInto("decaying_model_mappings").values(unique.map((attribute_type) => ({ attribute_type, model_id: modelId }))).execute();
      await changes.models([modelId]);
    },
    async modelIdsForType(type) {
      const rows = await db.selectFrom("decaying_model_mappings").select("model_id").where("attribute_type", "=", type).execute();
      return rows.map((r) => r.model_id);
    },
  };
}
