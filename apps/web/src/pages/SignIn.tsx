import { type FormEvent, useState } from 'react';
import { createApiClient } from '../api/client.ts';
import { openSession, type Session, SignInError } from '../api/session.ts';
import { ErrorBanner, Field } from '../components/ui.tsx';

interface Props {
  onSignedIn: (apiKey: string, session: Session) => void;
  fetchImpl?: typeof fetch;
  initialError?: string | null;
}

export function SignIn({ onSignedIn, fetchImpl, initialError }: Props) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const apiKey = key.trim();
    if (!apiKey) {
      setError('Enter your API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const client = createApiClient({ apiKey, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
      onSignedIn(apiKey, await openSession(client));
    } catch (err) {
      setError(err instanceof SignInError ? err.message : `Could not sign in: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <form className="card" onSubmit={submit} aria-labelledby="sign-in-heading" data-testid="sign-in-form">
        <h1 id="sign-in-heading">Leadsync</h1>
        <p>Import leads from your business apps into your mailing lists, on a schedule.</p>
        <Field
          label="API key"
          hint="Your organization's admin API key. It is kept only for this browser tab's session."
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              data-testid="api-key"
            />
          )}
        </Field>
        <ErrorBanner message={error} testId="sign-in-error" />
        <button type="submit" disabled={busy} data-testid="sign-in">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
