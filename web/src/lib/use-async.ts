/** Loading data for a page: the value, the error as a sentence, and a way to load again. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { describeError } from "../api/client.js";

export interface Async<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload(): void;
}

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  const shown = useRef<readonly unknown[] | null>(null);
  useEffect(() => {
    const ticket = ++latest.current;
    // New dependencies name other data: drop the old at once. A reload keeps it on screen meanwhile.
    const same = shown.current !== null && shown.current.length === deps.length && shown.current.every((d, i) => Object.is(d, deps[i]));
    shown.current = deps;
    setState((s) => ({ data: same ? s.data : undefined, loading: true, error: null }));
    load().then(
      (data) => ticket === latest.current && setState({ data, error: null, loading: false }),
      (error: unknown) => ticket === latest.current && setState((s) => ({ data: s.data, error: describeError(error), loading: false })),
    );
    // The caller names the dependencies, as with useEffect.
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, reload };
}

/** Runs an action (a button's), tracking whether it is busy and the error it ended with. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): {
  run: (...args: A) => Promise<boolean>;
  busy: boolean;
  error: string | null;
  clear(): void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(null) };
}
