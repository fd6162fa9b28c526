/** A message that outlives one navigation: "Saved as model 12" shown on the page saving led to. */
let pending: string | null = null;

export function setFlash(message: string): void {
  pending = message;
}

/** The pending message, once. */
export function takeFlash(): string | null {
  const message = pending;
  pending = null;
  return message;
}
