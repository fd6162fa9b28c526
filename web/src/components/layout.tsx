/** The frame around every page: the header with the main navigation and the user, then the page. */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { takeArrival } from "../lib/router.js";
import type { SessionInfo } from "../api/session.js";
import { Link } from "./link.js";

const SECTIONS = [
  { href: "/models", label: "Models" },
  { href: "/models/new", label: "Model tool" },
  { href: "/simulation", label: "Simulation" },
  { href: "/events", label: "Events" },
  { href: "/sweeps", label: "Sweeps" },
];

/** The section a path belongs to, for aria-current. */
function current(path: string): string {
  if (path === "/models/new" || /^\/models\/[^/]+\/edit$/.test(path)) return "/models/new";
  return SECTIONS.map((s) => s.href).find((href) => path === href || path.startsWith(`${href}/`)) ?? "";
}

export function Layout({ session, path, onLogout, children }: { session: SessionInfo; path: string; onLogout(): void; children: ComponentChildren }) {
  const active = current(path);
  useEffect(() => {
    // Screen readers and keyboards start at the top of the new page, not on the link they left.
    if (takeArrival()) document.getElementById("main")?.focus({ preventScroll: true });
  }, [path]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to the page
      </a>
      <header class="app-header">
        <Link href="/models" class="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          Halflife
        </Link>
        <nav aria-label="Main">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.href}>
                <Link href={section.href} aria-current={active === section.href ? "page" : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={session.role.name}>
            {session.user.email} · {session.org.name}
          </span>
          <button type="button" class="button-small" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
