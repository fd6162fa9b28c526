/**
 * The app: who is logged in, and which page the address names. Nobody logged in means the login
 * page, whatever the address; after logging in, the page that was asked for.
 */
import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { describeError, onLoggedOut } from "./api/client.js";
import { currentSession, logOut, type SessionInfo } from "./api/session.js";
import { ErrorBoundary } from "./components/error-boundary.js";
import { Layout } from "./components/layout.js";
import { ErrorMessage, Loading } from "./components/notice.js";
import { matchPath, navigate, useLocation } from "./lib/router.js";
import { EventListPage } from "./pages/event-list.js";
import { EventViewPage } from "./pages/event-view.js";
import { LoginPage } from "./pages/login.js";
import { ModelImportPage } from "./pages/model-import.js";
import { ModelListPage } from "./pages/model-list.js";
import { ModelToolPage } from "./pages/model-tool.js";
import { ModelViewPage } from "./pages/model-view.js";
import { NotFoundPage } from "./pages/not-found.js";
import { SimulationPage } from "./pages/simulation.js";
import { SweepListPage } from "./pages/sweep-list.js";
import { SweepViewPage } from "./pages/sweep-view.js";

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
  session: SessionInfo;
}

const ROUTES: Array<[string, FunctionComponent<PageProps>]> = [
  ["/models", ModelListPage],
  ["/models/new", ModelToolPage],
  ["/models/import", ModelImportPage],
  ["/models/:id", ModelViewPage],
  ["/models/:id/edit", ModelToolPage],
  ["/simulation", SimulationPage],
  ["/events", EventListPage],
  ["/events/:id", EventViewPage],
  ["/sweeps", SweepListPage],
  ["/sweeps/:id", SweepViewPage],
];

function resolve(path: string): [FunctionComponent<PageProps>, Record<string, string>] {
  for (const [pattern, page] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params) return [page, params];
  }
  return [NotFoundPage, {}];
}

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const check = () => {
    setError(null);
    currentSession().then(setSession, (e: unknown) => setError(describeError(e)));
  };
  useEffect(check, []);
  useEffect(() => onLoggedOut(() => setSession(null)), []);
  useEffect(() => {
    if (session && (location.path === "/" || location.path === "/login")) navigate("/models", { replace: true });
  }, [session, location.path]);

  if (error) {
    return (
      <main id="main" class="login">
        <ErrorMessage error={error} onRetry={check} />
      </main>
    );
  }
  if (session === undefined) return <Loading what="Starting" />;
  if (session === null) return <LoginPage onLogin={setSession} />;

  const [Page, params] = resolve(location.path);
  const logout = async () => {
    try {
      await logOut();
    } finally {
      setSession(null);
    }
  };
  return (
    <Layout session={session} path={location.path} onLogout={logout}>
      <ErrorBoundary resetKey={location.path}>
        <Page params={params} query={location.query} session={session} />
      </ErrorBoundary>
    </Layout>
  );
}
