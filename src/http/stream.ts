/**
 * Streaming answers: the body is produced page by page as the client reads it, so memory stays
 * flat whatever the size of the result, and a slow client slows the producer (back-pressure).
 */
import type { Context } from "hono";

const encoder = new TextEncoder();

/**
 * A streamed response: `head`, then each chunk the producer yields, then `tail`. If the producer
 * fails midway the stream is aborted (the client sees a truncated body, never a false success).
 */
export function streamResponse(
  c: Context,
  parts: { head: string; chunks: AsyncIterable<string>; tail: string; contentType: string; headers?: Record<string, string> },
): Response {
  const iterator = parts.chunks[Symbol.asyncIterator]();
  let started = false;
  let finished = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (parts.head) {
          controller.enqueue(encoder.encode(parts.head));
          return;
        }
      }
      if (finished) return;
      try {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          if (parts.tail) controller.enqueue(encoder.encode(parts.tail));
          controller.close();
        } else if (next.value) controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        finished = true;
        controller.error(error);
      }
    },
    async cancel() {
      finished = true;
      await iterator.return?.();
    },
  });
  return c.body(stream, 200, { "Content-Type": parts.contentType, ...(parts.headers ?? {}) });
}

/** Joins JSON pieces with commas across pages: the first piece of all gets no comma. */
export async function* commaJoined(pages: AsyncIterable<string[]>): AsyncIterable<string> {
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield (first ? "" : ",") + page.join(",");
    first = false;
  }
}
