import { screen, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionSpec } from '../api/types.ts';
import { type FakeCall, fakeClient } from '../test/fakeApi.ts';
import { renderWithApi } from '../test/render.tsx';
import { SettingsPage } from './Settings.tsx';

// A spec as the API serves it: the form knows the fields from it alone.
const spec: ConnectionSpec = {
  accountKey: 'refreshToken',
  credentials: {
    type: 'object',
    properties: {
      clientId: { type: 'string', title: 'Client ID' },
      clientSecret: { type: 'string', title: 'Client secret', writeOnly: true },
      refreshToken: { type: 'string', title: 'Account key (refresh token)', writeOnly: true },
    },
    required: ['clientId', 'clientSecret', 'refreshToken'],
  },
  settings: { type: 'object', properties: {} },
};

function settingsApi(
  status: 'ACTIVE' | 'NEEDS_NEW_KEY',
  change: { inactiveReason: string; statusReason?: string } = { inactiveReason: 'credentials_changed' },
) {
  let connectionStatus = status;
  let syncStatus = 'INACTIVE';
  return fakeClient({
    settings: () => ({
      data: {
        connections: [
          {
            id: 'z1',
            connector: 'zoho-invoice',
            name: 'Zoho (Acme)',
            status: connectionStatus,
            primaryEmail: 'owner@acme.test',
            maskedKey: '…9f3a',
            ...(change.statusReason ? { statusReason: change.statusReason } : {}),
          },
        ],
        connectors: [
          {
            id: 'zoho-invoice',
            displayName: 'Zoho Invoice',
            maxLookbackDays: 30,
            detectsDeletes: false,
            spec,
          },
        ],
        syncs: [
          {
            id: 's1',
            name: 'Customers',
            status: syncStatus,
            inactiveReason: change.inactiveReason,
            connection: { id: 'z1' },
          },
        ],
      },
    }),
    updateConnectionCredentials: () => {
      connectionStatus = 'ACTIVE';
      return {
        data: {
          updateConnectionCredentials: {
            id: 'z1',
            connector: 'zoho-invoice',
            name: 'Zoho (Acme)',
            status: 'ACTIVE',
            primaryEmail: 'owner@acme.test',
            maskedKey: '…77aa',
          },
        },
      };
    },
    activateAllSyncs: () => {
      syncStatus = 'ACTIVE';
      return {
        data: { activateAllSyncs: [{ id: 's1', status: 'ACTIVE', inactiveReason: null, nextRunAt: null }] },
      };
    },
  });
}

/** Saves the key typed into the card, waits for the API to take it, and returns what it was sent. */
async function saveNewKey(user: UserEvent, card: HTMLElement, calls: FakeCall[]) {
  await user.click(within(card).getByTestId('save-key'));
  expect(
    await within(card).findByText(/Activate the syncs of this connection when you are ready/),
  ).toBeTruthy();
  return calls.find((c) => c.operationName === 'UpdateConnectionCredentials')?.variables;
}

describe('settings', () => {
  it('explains a changed key, takes the new one, and activates the syncs only when asked', async () => {
    const { client, calls } = settingsApi('NEEDS_NEW_KEY');
    const user = renderWithApi(<SettingsPage />, client);
    const card = await screen.findByTestId('connection-z1');
    expect(within(card).getByTestId('connection-status').textContent).toBe('Needs a new key');
    expect(within(card).getByTestId('needs-key-notice').textContent).toMatch(
      /stay inactive until you activate them/,
    );
    expect(within(card).getByTestId('sync-inactive-reason').textContent).toMatch(/key changed/);
    expect((within(card).getByTestId('activate-all') as HTMLButtonElement).disabled).toBe(true);

    await user.click(within(card).getByTestId('update-key'));
    await user.click(within(card).getByTestId('save-key'));
    expect(within(card).getByText('Enter the account key (refresh token).')).toBeTruthy();
    // The account key comes first; the other credentials say they are kept when left empty.
    expect(
      within(card)
        .getAllByTestId(/^field-credentials\./)
        .map((e) => e.getAttribute('data-testid')),
    ).toEqual([
      'field-credentials.refreshToken',
      'field-credentials.clientId',
      'field-credentials.clientSecret',
    ]);
    expect(within(card).getAllByText('Leave empty to keep the stored one.')).toHaveLength(2);
    await user.type(within(card).getByTestId('field-credentials.clientId'), '1000.ABC');
    await user.type(within(card).getByTestId('field-credentials.clientSecret'), 'secret');
    await user.type(within(card).getByTestId('field-credentials.refreshToken'), '1000.newtoken');
    expect(await saveNewKey(user, card, calls)).toEqual({
      id: 'z1',
      credentials: { clientId: '1000.ABC', clientSecret: 'secret', refreshToken: '1000.newtoken' },
    });
    expect(calls.some((c) => c.operationName === 'ActivateAllSyncs')).toBe(false);

    const activate = await within(card).findByTestId('activate-all');
    await screen.findByText('Active', { selector: '[data-testid="connection-status"]' });
    await user.click(activate);
    expect(await within(card).findByText('1 syncs activated.')).toBeTruthy();
    expect(calls.find((c) => c.operationName === 'ActivateAllSyncs')?.variables).toEqual({
      connectionId: 'z1',
    });
  });

  it('replaces the refresh token alone, keeping the stored client ID and secret', async () => {
    const { client, calls } = settingsApi('NEEDS_NEW_KEY');
    const user = renderWithApi(<SettingsPage />, client);
    const card = await screen.findByTestId('connection-z1');
    await user.click(within(card).getByTestId('update-key'));
    await user.type(within(card).getByTestId('field-credentials.refreshToken'), '1000.onlythetoken');
    expect(await saveNewKey(user, card, calls)).toEqual({
      id: 'z1',
      credentials: { refreshToken: '1000.onlythetoken' },
    });
  });

  it("says why the key is needed again when the account's primary email changed", async () => {
    const reason =
      "The account's primary email changed from o…@acme.test to n…@other.test: enter the account key again.";
    const { client, calls } = settingsApi('NEEDS_NEW_KEY', {
      inactiveReason: 'primary_email_changed',
      statusReason: reason,
    });
    renderWithApi(<SettingsPage />, client, { connectionStatusReason: true });
    const card = await screen.findByTestId('connection-z1');
    expect(within(card).getByTestId('needs-key-reason').textContent).toBe(reason);
    expect(within(card).getByTestId('sync-inactive-reason').textContent).toMatch(/primary email changed/);
    expect(calls.find((c) => c.operationName === 'Settings')).toBeTruthy();
  });

  describe('a CSV connection on a server with uploads', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it('replaces the file through the streamed upload, as the wizard does, never its text', async () => {
      const text = 'email,name\nann@example.com,Ann\n';
      const puts: { range: string | null; bytes: number }[] = [];
      vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const method = init?.method ?? 'GET';
        const json = (body: object, status = 200) =>
          new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
        if (url === '/uploads' && method === 'POST') {
          return json({ id: 'u1', offset: 0, complete: false }, 201);
        }
        if (url === '/uploads/u1' && method === 'PUT') {
          const bytes = (init?.body as Blob | undefined)?.size ?? 0;
          puts.push({ range: new Headers(init?.headers).get('content-range'), bytes });
          return json({ id: 'u1', offset: bytes, complete: true });
        }
        return json({ error: 'unexpected' }, 500);
      });
      const { client, calls } = fakeClient({
        settings: () => ({
          data: {
            connections: [{ id: 'c1', connector: 'csv', name: 'Fair list', status: 'ACTIVE' }],
            connectors: [
              {
                id: 'csv',
                displayName: 'CSV file',
                maxLookbackDays: null,
                detectsDeletes: true,
                spec: {
                  credentials: { type: 'object', properties: {} },
                  settings: {
                    type: 'object',
                    properties: {
                      fileId: {
                        type: 'string',
                        title: 'CSV file',
                        format: 'file-upload',
                        accept: '.csv',
                        fileNameKey: 'fileName',
                      },
                    },
                    required: ['fileId'],
                  },
                },
              },
            ],
            syncs: [],
          },
        }),
        previewConnectionSettings: (variables) => ({
          data: {
            previewConnectionSettings: {
              settings: {
                ...(variables.settings as object),
                encoding: 'utf-8',
                delimiter: ',',
                headerRow: true,
              },
              options: [],
              columns: ['email', 'name'],
              rows: [['ann@example.com', 'Ann']],
              estimatedRecords: 1,
            },
          },
        }),
        updateConnectionSettings: () => ({
          data: {
            updateConnectionSettings: { id: 'c1', connector: 'csv', name: 'Fair list', status: 'ACTIVE' },
          },
        }),
      });
      const user = renderWithApi(<SettingsPage />, client);
      const card = await screen.findByTestId('connection-c1');
      await user.click(within(card).getByTestId('update-key'));
      await user.upload(
        within(card).getByTestId('field-settings.fileId'),
        new File([text], 'new.csv', { type: 'text/csv' }),
      );
      await within(card).findByText(/new\.csv: about 1 rows/);
      const progress = within(card).getByTestId('upload-progress');
      expect(progress.getAttribute('value')).toBe(String(text.length));
      expect(puts).toEqual([{ range: `bytes 0-${text.length - 1}/${text.length}`, bytes: text.length }]);

      await user.click(within(card).getByTestId('save-key'));
      expect(await within(card).findByText('File replaced. The next run reads the new file.')).toBeTruthy();
      expect(calls.find((c) => c.operationName === 'UpdateConnectionSettings')?.variables).toEqual({
        id: 'c1',
        settings: { fileId: 'u1', fileName: 'new.csv', encoding: 'utf-8', delimiter: ',', headerRow: true },
      });
    });
  });
});
