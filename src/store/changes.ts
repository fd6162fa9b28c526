/**
 * What a write changed, for the decay index: attributes whose scores' inputs moved (their tags,
 * sightings, timestamps, type), events whose tags changed, tags whose values changed, models that
 * changed. Inside a transaction the changes are collected and the index is brought up to date just
 * before the commit, in the same transaction; outside one, right after each write.
 */
export interface ChangeTracker {
  attributes(ids: readonly number[]): Promise<void>;
  events(ids: readonly number[]): Promise<void>;
  tags(ids: readonly number[]): Promise<void>;
  models(ids: readonly number[]): Promise<void>;
}

export class ChangeSet {
  readonly attributes = new Set<number>();
  readonly events = new Set<number>();
  readonly tags = new Set<number>();
  readonly models = new Set<number>();

  get empty(): boolean {
    return this.attributes.size + this.events.size + this.tags.size + this.models.size === 0;
  }
}

/** Collects changes, to be flushed later. */
export function collecting(set: ChangeSet): ChangeTracker {
  return {
    attributes: async (ids) => ids.forEach((id) => set.attributes.add(id)),
    events: async (ids) => ids.forEach((id) => set.events.add(id)),
    tags: async (ids) => ids.forEach((id) => set.tags.add(id)),
    models: async (ids) => ids.forEach((id) => set.models.add(id)),
  };
}

/** Flushes each change at once (writes made outside a transaction). */
export function immediate(flush: (set: ChangeSet) => Promise<void>): ChangeTracker {
  const once = (fill: (set: ChangeSet) => void) => async () => {
    const set = new ChangeSet();
    fill(set);
    if (!set.empty) await flush(set);
  };
  return {
    attributes: (ids) => once((s) => ids.forEach((id) => s.attributes.add(id)))(),
    events: (ids) => once((s) => ids.forEach((id) => s.events.add(id)))(),
    tags: (ids) => once((s) => ids.forEach((id) => s.tags.add(id)))(),
    models: (ids) => once((s) => ids.forEach((id) => s.models.add(id)))(),
  };
}
