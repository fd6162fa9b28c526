/**
 * A small router over the History API: the server answers every page address with index.html,
 * and the address bar holds the page and its query (so a page can be bookmarked or reloaded).
 */
import { useEffect, useState } from "preact/hooks";

type Listener = () => void;
const listeners = new Set<Listener>();
let arrived = false;

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", notify);

/** Goes to a page of the app (`replace` keeps the history entry, for redirects and filters). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  arrived = !options.replace;
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

/**
 * True once after the user went to another page (not after a redirect or a filter change): the
 * moment to move keyboard focus to the new page, as a full page load would.
 */
export function takeArrival(): boolean {
  const value = arrived;
  arrived = false;
  return value;
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

/** The current page address, re-rendering the caller when it changes. */
export function useLocation(): Location {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** Matches "/models/:id/edit" against a path; the named parts, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    const value = have[i]!;
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

/** A query string from the values that are set. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
