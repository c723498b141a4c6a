import { useCallback, useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { CapabilitiesContext } from './api/capabilities.ts';
import { createApiClient, readStoredKey, storeKey } from './api/client.ts';
import { openSession, type Session, SignInError } from './api/session.ts';
import { Loading } from './components/ui.tsx';
import { href, type Route, useRoute } from './lib/router.ts';
import { LeadsPage } from './pages/Leads.tsx';
import { PersonPage } from './pages/Person.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { SyncDetailsPage } from './pages/SyncDetails.tsx';
import { SyncListPage } from './pages/SyncList.tsx';
import { NewSyncWizard } from './wizard/NewSyncWizard.tsx';

interface Props {
  /** For tests: answers GraphQL requests instead of the network. */
  fetchImpl?: typeof fetch;
}

export function App({ fetchImpl }: Props) {
  const [apiKey, setApiKey] = useState<string | null>(() => readStoredKey());
  const [session, setSession] = useState<Session | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);

  const signOut = useCallback((reason?: string) => {
    storeKey(null);
    setApiKey(null);
    setSession(null);
    setSignInError(reason ?? null);
  }, []);

  const client = useMemo(
    () =>
      apiKey
        ? createApiClient({
            apiKey,
            onUnauthenticated: () => signOut('Your API key is no longer accepted. Sign in again.'),
            ...(fetchImpl ? { fetch: fetchImpl } : {}),
          })
        : null,
    [apiKey, fetchImpl, signOut],
  );

  // A key kept from earlier in this tab's session is checked again before the console opens.
  useEffect(() => {
    if (!client || session) return;
    let live = true;
    openSession(client)
      .then((s) => live && setSession(s))
      .catch((err: unknown) => {
        if (live)
          signOut(err instanceof SignInError ? err.message : 'Could not reach the server. Sign in again.');
      });
    return () => {
      live = false;
    };
  }, [client, session, signOut]);

  if (!apiKey || !client) {
    return (
      <SignIn
        fetchImpl={fetchImpl}
        initialError={signInError}
        onSignedIn={(key, s) => {
          storeKey(key);
          setSession(s);
          setApiKey(key);
          setSignInError(null);
        }}
      />
    );
  }
  if (!session) {
    return (
      <main id="main" className="sign-in">
        <Loading what="your organization" />
      </main>
    );
  }
  return (
    <Provider value={client}>
      <CapabilitiesContext.Provider value={session.capabilities}>
        <Shell
          organizationName={session.organizationName}
          keyName={session.keyName}
          onSignOut={() => signOut()}
        />
      </CapabilitiesContext.Provider>
    </Provider>
  );
}

const navItems: { route: Route; label: string; match: Route['name'][] }[] = [
  { route: { name: 'syncs' }, label: 'Sync services', match: ['syncs', 'new-sync', 'continue-sync', 'sync'] },
  { route: { name: 'leads', mailingListId: null }, label: 'Leads', match: ['leads', 'person'] },
  { route: { name: 'settings' }, label: 'Settings', match: ['settings'] },
];

function Shell({
  organizationName,
  keyName,
  onSignOut,
}: {
  organizationName: string | null;
  keyName: string | null;
  onSignOut: () => void;
}) {
  const route = useRoute();
  // Move focus to the page on navigation, so keyboard and screen-reader users start at the new content.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every route change
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo?.(0, 0);
  }, [route.name, route.name === 'sync' ? route.id : '']);
  return (
    <>
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header className="top">
        <div className="brand">
          <a className="brand-name" href={href({ name: 'syncs' })}>
            Leadsync
          </a>
          <span className="org" data-testid="organization-name">
            {organizationName ?? 'Your organization'}
          </span>
          {keyName ? (
            <span className="org" data-testid="key-name">
              · key “{keyName}”
            </span>
          ) : null}
        </div>
        <nav aria-label="Main">
          <ul>
            {navItems.map((item) => (
              <li key={item.label}>
                <a
                  href={href(item.route)}
                  aria-current={item.match.includes(route.name) ? 'page' : undefined}
                  data-testid={`nav-${item.route.name}`}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="secondary small" onClick={onSignOut} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'syncs':
      return <SyncListPage />;
    case 'new-sync':
      return <NewSyncWizard />;
    case 'continue-sync':
      return <NewSyncWizard key={route.id} draftId={route.id} />;
    case 'sync':
      return <SyncDetailsPage key={route.id} id={route.id} runId={route.runId} />;
    case 'settings':
      return <SettingsPage />;
    case 'leads':
      return <LeadsPage mailingListId={route.mailingListId} />;
    case 'person':
      return <PersonPage key={route.email} email={route.email} />;
  }
}
