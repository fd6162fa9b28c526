import { Link } from "../components/link.js";

export function NotFoundPage() {
  return (
    <section>
      <h1>No such page</h1>
      <p>
        This address names no page of Halflife. Go to the <Link href="/models">models</Link> or the <Link href="/events">events</Link>.
      </p>
    </section>
  );
}
