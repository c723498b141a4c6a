import { Client, cacheExchange, fetchExchange, mapExchange } from '@urql/core';
import { isUnauthenticated } from './errors.ts';

export const apiKeyStorageKey = 'leadsync.apiKey';

export function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(apiKeyStorageKey);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(apiKeyStorageKey);
    else sessionStorage.setItem(apiKeyStorageKey, key);
  } catch {
    // Storage refused (private mode): the key lives only as long as the page.
  }
}

export interface ClientOptions {
  apiKey: string;
  /** For tests: a fetch that answers instead of the network. */
  fetch?: typeof fetch;
  url?: string;
  /** Called when the API refuses the key (revoked while signed in). */
  onUnauthenticated?: () => void;
}

/** One urql client per signed-in key; `/graphql` is relative to the page's origin (the API serves the console). */
export function createApiClient({
  apiKey,
  fetch: customFetch,
  url,
  onUnauthenticated,
}: ClientOptions): Client {
  return new Client({
    url: url ?? new URL('/graphql', window.location.origin).toString(),
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated?.();
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
    fetchOptions: () => ({ headers: { authorization: `Bearer ${apiKey}` } }),
    preferGetMethod: false,
    ...(customFetch ? { fetch: customFetch } : {}),
  });
}
