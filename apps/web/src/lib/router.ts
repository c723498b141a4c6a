import { useEffect, useState } from 'react';

// Hash routing: the API serves index.html at `/` only, so every screen lives after the `#`.

export type Route =
  | { name: 'syncs' }
  | { name: 'new-sync' }
  | { name: 'continue-sync'; id: string }
  | { name: 'sync'; id: string; runId: string | null }
  | { name: 'settings' }
  | { name: 'leads'; mailingListId: string | null }
  | { name: 'person'; email: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (first === 'syncs' && second === 'new') return { name: 'new-sync' };
  if (first === 'syncs' && second && third === 'setup') return { name: 'continue-sync', id: second };
  if (first === 'syncs' && second) {
    return { name: 'sync', id: second, runId: third === 'runs' && fourth ? fourth : null };
  }
  if (first === 'settings') return { name: 'settings' };
  if (first === 'people' && second) return { name: 'person', email: second };
  if (first === 'leads') return { name: 'leads', mailingListId: second ?? null };
  return { name: 'syncs' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'syncs':
      return '#/syncs';
    case 'new-sync':
      return '#/syncs/new';
    case 'continue-sync':
      return `#/syncs/${encodeURIComponent(route.id)}/setup`;
    case 'sync':
      return route.runId
        ? `#/syncs/${encodeURIComponent(route.id)}/runs/${encodeURIComponent(route.runId)}`
        : `#/syncs/${encodeURIComponent(route.id)}`;
    case 'settings':
      return '#/settings';
    case 'leads':
      return route.mailingListId ? `#/leads/${encodeURIComponent(route.mailingListId)}` : '#/leads';
    case 'person':
      return `#/people/${encodeURIComponent(route.email)}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
