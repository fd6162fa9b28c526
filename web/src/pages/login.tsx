/** Logging in with an API key. The key goes to the server once; the browser keeps only a session cookie. */
import { useState } from "preact/hooks";
import { describeError } from "../api/client.js";
import { logIn, type SessionInfo } from "../api/session.js";
import { ErrorMessage } from "../components/notice.js";

export function LoginPage({ onLogin }: { onLogin(session: SessionInfo): void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await logIn(key));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <img src="/favicon.svg" alt="" width="32" height="32" /> Halflife
        </h1>
        <p>Log in with your API key. It is the key you use with PyMISP or the REST API; an administrator can give you one.</p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="key"
          type="password"
          autoComplete="current-password"
          spellcheck={false}
          required
          minLength={40}
          maxLength={40}
          value={key}
          onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
          autoFocus
        />
        <ErrorMessage error={error} />
        <button type="submit" class="button-primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
