/** The events the user can see, newest first, with a search on their description. */
import { useState } from "preact/hooks";
import type { PageProps } from "../app.js";
import { listEvents } from "../api/events.js";
import { Link } from "../components/link.js";
import { Empty, ErrorMessage, Loading } from "../components/notice.js";
import { TagChip } from "../components/tag-chip.js";
import { navigate, withQuery } from "../lib/router.js";
import { useAsync } from "../lib/use-async.js";

const PAGE_SIZE = 25;

export function EventListPage({ query }: PageProps) {
  const search = query.get("search") ?? "";
  const page = Math.max(1, Number(query.get("page")) || 1);
  const events = useAsync(() => listEvents({ search, page, limit: PAGE_SIZE }), [search, page]);
  const [text, setText] = useState(search);

  return (
    <section>
      <div class="page-title">
        <h1>Events</h1>
      </div>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(withQuery("/events", { search: text.trim() }), { replace: true });
        }}
      >
        <label for="event-search">Search event descriptions</label>
        <input id="event-search" type="search" value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorMessage error={events.error} onRetry={events.reload} />
      {events.loading && !events.data ? (
        <Loading what="Loading events" />
      ) : events.data && events.data.events.length === 0 ? (
        <Empty>{search ? "No event matches this search." : "No events yet. Import some with `halflife import`, or through the API."}</Empty>
      ) : (
        events.data && (
          <>
            <div class="table-scroll">
              <table class="data-table" aria-label="Events">
                <thead>
                  <tr>
                    <th scope="col">ID</th>
                    <th scope="col">Date</th>
                    <th scope="col">Creator</th>
                    <th scope="col">Event</th>
                    <th scope="col">Tags</th>
                    <th scope="col" class="number">Attributes</th>
                    <th scope="col">Published</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.events.map((event) => (
                    <tr key={event.id}>
                      <td>{event.id}</td>
                      <td class="nowrap-cell">{event.date}</td>
                      <td>{event.Orgc?.name}</td>
                      <td>
                        <Link href={`/events/${event.id}`}>{event.info}</Link>
                      </td>
                      <td>
                        {(event.EventTag ?? []).map((link) => (
                          <TagChip key={link.Tag.name} tag={link.Tag} />
                        ))}
                      </td>
                      <td class="number">{event.attribute_count}</td>
                      <td>{event.published ? "Yes" : "No"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav class="pager" aria-label="Pages of events">
              <button type="button" disabled={page <= 1} onClick={() => navigate(withQuery("/events", { search, page: page - 1 }))}>
                Newer
              </button>
              <span>Page {page}</span>
              <button type="button" disabled={events.data.events.length < PAGE_SIZE} onClick={() => navigate(withQuery("/events", { search, page: page + 1 }))}>
                Older
              </button>
            </nav>
          </>
        )
      )}
    </section>
  );
}
