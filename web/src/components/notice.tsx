/** Loading, error and empty states: every page says what is happening, never a blank area. */
import type { ComponentChildren } from "preact";

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p class="notice notice-loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function ErrorMessage({ error, onRetry }: { error: string | null | undefined; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div class="notice notice-error" role="alert">
      <span>{error}</span>
      {onRetry && (
        <button type="button" class="button-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Success({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice notice-success" role="status">
      {children}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="notice notice-empty">{children}</p>;
}
