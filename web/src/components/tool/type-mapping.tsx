/**
 * The attribute types a model scores, as a searchable list of MISP's types. Like MISP's tool it
 * shows the types flagged for IDS first; the types already chosen always stay in view.
 */
import { useId, useMemo, useState } from "preact/hooks";
import type { DescribeTypes } from "../../api/taxonomies.js";
import type { DecayingModel } from "../../api/models.js";

interface Props {
  types: DescribeTypes;
  selected: string[];
  onChange(types: string[]): void;
  /** Other models, to show which already score a type. */
  models: DecayingModel[];
  currentId?: string;
}

export function TypeMapping({ types, selected, onChange, models, currentId }: Props) {
  const id = useId();
  const [search, setSearch] = useState("");
  const [idsOnly, setIdsOnly] = useState(true);
  const chosen = new Set(selected);

  const mappedBy = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const model of models) {
      if (model.id === currentId || !model.enabled) continue;
      for (const type of model.attribute_types) map.set(type, [...(map.get(type) ?? []), model.name]);
    }
    return map;
  }, [models, currentId]);

  const needle = search.trim().toLowerCase();
  const shown = types.types.filter((type) => {
    if (needle && !type.toLowerCase().includes(needle) && !(types.sane_defaults[type]?.default_category ?? "").toLowerCase().includes(needle)) return false;
    return chosen.has(type) || !idsOnly || Boolean(types.sane_defaults[type]?.to_ids);
  });

  const toggle = (type: string) => onChange(chosen.has(type) ? selected.filter((t) => t !== type) : [...selected, type]);

  return (
    <div class="type-mapping">
      <div class="toolbar">
        <label for={`${id}-search`} class="visually-hidden">
          Search attribute types
        </label>
        <input id={`${id}-search`} type="search" placeholder="Search types or categories" value={search} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
        <label class="choice-inline">
          <input type="checkbox" checked={idsOnly} onChange={(e) => setIdsOnly((e.currentTarget as HTMLInputElement).checked)} />
          Only types flagged for IDS by default
        </label>
        <button type="button" class="button-small" onClick={() => onChange([...new Set([...selected, ...shown])])}>
          Select the {shown.length} shown
        </button>
        <button type="button" class="button-small" onClick={() => onChange([])} disabled={selected.length === 0}>
          Clear
        </button>
        <span class="count" aria-live="polite">
          {selected.length} selected
        </span>
      </div>
      <ul class="type-grid" aria-label="Attribute types">
        {shown.map((type) => (
          <li key={type}>
            <label class="choice-inline">
              <input type="checkbox" checked={chosen.has(type)} onChange={() => toggle(type)} />
              <code>{type}</code>
              <span class="help">{types.sane_defaults[type]?.default_category}</span>
              {mappedBy.has(type) && <span class="badge" title={`Also scored by: ${mappedBy.get(type)!.join(", ")}`}>{mappedBy.get(type)!.length} other</span>}
            </label>
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p class="notice notice-empty">No type matches.</p>}
    </div>
  );
}
