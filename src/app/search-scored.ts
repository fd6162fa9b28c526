/**
 * restSearch with decay scores. excludeDecayed filters BEFORE pagination, so every page is full and
 * X-Result-Count counts what is returned (MISP filters after, leaving short or empty pages):
 * - when the decay index can answer (implicit models, no overrides, a viewer who sees every
 *   sighting), "fresh" is a range condition in the query itself;
 * - otherwise the candidates are scored in batches, in id order, and only the kept ones are paged.
 */
import type { AttributeView, EventTree, Principal } from "../core/domain.js";
import { viewerOf, type AppContext } from "./context.js";
import { indexAnswers, isExcluded, parseDecayRequest, planScoring, scoreViews, type ScoringPlan } from "./decay-scores.js";
import { scoreEvent } from "../core/score.js";
import { searchAttributes, viewsOf, type AttributeSearchResult, type ParsedAttributeSearch } from "./search-attributes.js";

export interface ScoredSearchResult extends AttributeSearchResult {
  scored: boolean;
}

const BATCH = 5_000;

async function* mapPages(pages: AsyncIterable<AttributeView[]>, score: (views: AttributeView[]) => Promise<void>): AsyncIterable<AttributeView[]> {
  for await (const views of pages) {
    await score(views);
    yield views;
  }
}

export async function searchWithScores(context: AppContext, principal: Principal, search: ParsedAttributeSearch, params: Record<string, unknown>): Promise<ScoredSearchResult> {
  const request = parseDecayRequest(params);
  if (!request) return { ...(await searchAttributes(context, principal, search)), scored: false };
  const viewer = viewerOf(context, principal);
  const plan = await planScoring(context, principal, request);
  const now = context.now();
  // Scores weigh event tags too; MISP then shows them on the attribute, marked inherited.
  search.options.includeEventTags = true;
  const index = await indexAnswers(context, viewer, plan);
  // When the index answers for this viewer, scores come from its stored base scores and times.
  const score = (views: AttributeView[]) => scoreViews(context, viewer, plan, views, { now, fromIndex: index !== null });

  if (!request.exclude) {
    const result = await searchAttributes(context, principal, search);
    return { total: result.total, pages: mapPages(result.pages, score), scored: true };
  }
  if (index) {
    // The summary holds live attributes only; searches that include deleted ones probe the rows.
    const liveOnly = search.filter.deleted === undefined || search.filter.deleted === false;
    const freshAt = { now, modelIds: plan.models.map((m) => m.view.model.id), allEnabled: index.allEnabled && liveOnly };
    const filtered = { ...search, filter: { ...search.filter, freshAt } };
    const result = await searchAttributes(context, principal, filtered);
    return { total: result.total, pages: mapPages(result.pages, score), scored: true };
  }
  return computedExclusion(context, principal, search, plan, now);
}

/** Scores every candidate to keep the fresh ones, then pages through those. */
async function computedExclusion(context: AppContext, principal: Principal, search: ParsedAttributeSearch, plan: ScoringPlan, now: number): Promise<ScoredSearchResult> {
  const viewer = viewerOf(context, principal);
  const viewOptions = { sightings: false, eventTags: true, exportableOnly: !search.options.includeAllTags };
  const kept: number[] = [];
  let afterId: number | undefined;
  for (;;) {
    const batch = await context.store.attributes.search(search.filter, viewer, { afterId, limit: BATCH });
    if (batch.length === 0) break;
    const views = await viewsOf(context, principal, batch, viewOptions);
    await scoreViews(context, viewer, plan, views, { now });
    for (const view of views) if (!isExcluded(view)) kept.push(view.attribute.id);
    if (batch.length < BATCH) break;
    afterId = batch.at(-1)!.id;
  }
  const { limit, page } = search.options;
  const selected = limit === undefined ? kept : kept.slice(((page ?? 1) - 1) * limit, (page ?? 1) * limit);

  async function* pages(): AsyncIterable<AttributeView[]> {
    for (let i = 0; i < selected.length; i += BATCH) {
      const ids = selected.slice(i, i + BATCH);
      const found = await context.store.attributes.byIds(ids);
      const attributes = ids.map((id) => found.get(id)).filter((a) => a !== undefined);
      const views = await viewsOf(context, principal, attributes, {
        sightings: search.options.includeSightings,
        eventTags: true,
        exportableOnly: !search.options.includeAllTags,
      });
      await scoreViews(context, viewer, plan, views, { now });
      yield views;
    }
  }
  return { total: kept.length, pages: pages(), scored: true };
}

/**
 * events/view and events/restSearch with includeDecayScore: every attribute (object attributes
 * too) scored with the implicit models; includeScoresOnEvent adds the event's own scores.
 */
export async function scoreEventTrees(context: AppContext, principal: Principal, trees: EventTree[], params: Record<string, unknown>): Promise<void> {
  const wantsAttributes = [params.includeDecayScore, params.excludeDecayed].some((v) => v === true || v === 1 || v === "1" || v === "true");
  const wantsEvent = [params.includeScoresOnEvent].some((v) => v === true || v === 1 || v === "1" || v === "true");
  if (!wantsAttributes && !wantsEvent) return;
  const plan = await planScoring(context, principal, { include: true, exclude: false, overrides: {}, fullModel: false });
  const viewer = viewerOf(context, principal);
  const now = context.now();
  for (const tree of trees) {
    if (wantsAttributes) {
      const views = [...tree.attributes, ...tree.objects.flatMap((o) => o.attributes)];
      await scoreViews(context, viewer, plan, views, { now, eventTags: () => tree.tags });
    }
    if (wantsEvent) {
      const eventTags = tree.tags.map((l) => ({ Tag: { name: l.tag.name, numerical_value: l.tag.numerical_value } }));
      tree.eventScores = plan.models.map((model) => ({
        ...scoreEvent(model.input, { EventTag: eventTags, publish_timestamp: tree.event.publish_timestamp }, { now, formulas: context.formulas }),
        DecayingModel: model.stub,
      }));
    }
  }
}
