/**
 * The answer to an attribute search, streamed as it is read: JSON in MISP's shape, CSV, or text.
 * attributes/restSearch answers with it, and so does events/restSearch for returnFormat csv and
 * text, which MISP exports attribute by attribute too.
 */
import type { Context } from "hono";
import type { AppContext } from "../../app/context.js";
import { parseAttributeSearch, type ParsedAttributeSearch } from "../../app/search-attributes.js";
import { searchWithScores } from "../../app/search-scored.js";
import type { Principal } from "../../core/domain.js";
import { csvColumns, csvHeader, csvRows } from "../../misp/csv.js";
import { presentAttribute, presentCorrelations } from "../../misp/present.js";
import { mispFlag, parseWith } from "../../misp/parse.js";
import { correlationsOf } from "../../app/correlations.js";
import { commaJoined, streamResponse } from "../stream.js";

export async function attributeSearchAnswer(
  c: Context,
  context: AppContext,
  principal: Principal,
  params: Record<string, unknown>,
  ignored: readonly string[],
  parsed?: ParsedAttributeSearch,
): Promise<Response> {
  const search = parsed ?? (await parseAttributeSearch(context, params));
  const result = await searchWithScores(context, principal, search, params);
  const headers: Record<string, string> = { "X-Result-Count": String(result.total), "X-Response-Format": search.options.returnFormat };
  if (ignored.length) headers["X-Halflife-Ignored-Parameters"] = ignored.join(",");
  const orgs = new Map();
  const withCorrelations = params.includeCorrelations !== undefined && parseWith(mispFlag, params.includeCorrelations, "includeCorrelations");

  if (search.options.returnFormat === "json") {
    async function* json(): AsyncIterable<string[]> {
      for await (const views of result.pages) {
        if (search.options.includeSightings) {
          const ids = views.flatMap((v) => v.sightings ?? []).map((s) => s.org_id).filter((id) => !orgs.has(id));
          for (const [id, org] of await context.store.orgs.byIds(ids)) orgs.set(id, org);
        }
        const related = withCorrelations ? await correlationsOf(context, principal, views.map((v) => v.attribute)) : null;
        yield views.map((view) => {
          const presented = presentAttribute(view, { orgs, withEvent: true, withEventUuid: search.options.includeEventUuid });
          if (related) presented.RelatedAttribute = presentCorrelations(related.get(view.attribute.id) ?? []);
          return JSON.stringify(presented);
        });
      }
    }
    return streamResponse(c, { head: '{"response":{"Attribute":[', chunks: commaJoined(json()), tail: "]}}", contentType: "application/json", headers });
  }
  if (search.options.returnFormat === "csv") {
    const columns = csvColumns(search.options.requestedAttributes, result.scored);
    async function* csv(): AsyncIterable<string> {
      for await (const views of result.pages) yield csvRows(views, columns);
    }
    return streamResponse(c, { head: search.options.headerless ? "" : csvHeader(columns), chunks: csv(), tail: "", contentType: "text/csv; charset=utf-8", headers });
  }
  async function* text(): AsyncIterable<string> {
    for await (const views of result.pages) yield views.map((v) => `${v.attribute.value}\n`).join("");
  }
  return streamResponse(c, { head: "", chunks: text(), tail: "", contentType: "text/plain; charset=utf-8", headers });
}
