import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from './App.tsx';
import { apiKeyStorageKey } from './api/client.ts';
import { fakeFetch, type Handler } from './test/fakeApi.ts';

const fields = (...names: string[]) => ({ fields: names.map((name) => ({ name })) });

function server(
  acceptedKey: string,
  extra: Record<string, Handler> = {},
  queryFields = ['syncs', 'connectors'],
  viewerFields: string[] = [],
) {
  const fake = fakeFetch({
    capabilities: () => ({
      data: {
        query: fields(...queryFields),
        mutation: fields('createSync'),
        syncRun: fields('id', 'status'),
        sync: fields('id'),
        viewerType: viewerFields.length > 0 ? fields(...viewerFields) : null,
      },
    }),
    syncs: () => ({ data: { syncs: [], connectors: [] } }),
    ...extra,
  });
  const guarded: typeof fetch = async (input, init) => {
    const auth = new Headers(init?.headers).get('authorization');
    if (auth !== `Bearer ${acceptedKey}`) {
      return new Response(
        JSON.stringify({ errors: [{ message: 'bad key', extensions: { code: 'UNAUTHENTICATED' } }] }),
        { status: 401, headers: { 'content-type': 'application/json' } },
      );
    }
    return fake.fetch(input, init);
  };
  return { ...fake, fetch: guarded };
}

/** Opens the console on `api` and signs in with `key`, as a person would. */
async function signIn(api: ReturnType<typeof server>, key: string) {
  const user = userEvent.setup();
  render(<App fetchImpl={api.fetch} />);
  await user.type(screen.getByTestId('api-key'), key);
  await user.click(screen.getByTestId('sign-in'));
}

describe('signing in', () => {
  it('refuses a key the API does not accept and keeps nothing', async () => {
    const api = server('right-key');
    await signIn(api, 'wrong-key');
    expect((await screen.findByTestId('sign-in-error')).textContent).toMatch(/not accepted/);
    expect(sessionStorage.getItem(apiKeyStorageKey)).toBeNull();
  });

  it("opens the console with the organization's name when the API offers it", async () => {
    const api = server(
      'right-key',
      { organization: () => ({ data: { organization: { name: 'Acme Traders' } } }) },
      ['syncs', 'organization'],
    );
    await signIn(api, 'right-key');
    expect((await screen.findByTestId('organization-name')).textContent).toBe('Acme Traders');
    expect(await screen.findByText(/No syncs yet/)).toBeTruthy();
    expect(sessionStorage.getItem(apiKeyStorageKey)).toBe('right-key');
  });

  it("takes the organization's name from the viewer when it is there, with the key's name", async () => {
    const api = server(
      'right-key',
      { viewer: () => ({ data: { viewer: { apiKeyName: 'Admin key', organizationName: 'Northwind' } } }) },
      ['syncs', 'viewer'],
      ['apiKeyName', 'organizationName'],
    );
    await signIn(api, 'right-key');
    expect((await screen.findByTestId('organization-name')).textContent).toBe('Northwind');
    expect(screen.getByTestId('key-name').textContent).toContain('Admin key');
  });

  it('falls back to a neutral name when the schema has no organization', async () => {
    const api = server('right-key');
    await signIn(api, 'right-key');
    expect((await screen.findByTestId('organization-name')).textContent).toBe('Your organization');
    expect(api.calls.some((c) => c.operationName === 'Organization')).toBe(false);
  });
});
