import { cleanup, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeClient } from '../test/fakeApi.ts';
import { renderWithApi } from '../test/render.tsx';
import { SettingsPage } from './Settings.tsx';
import { WebhooksSection } from './Webhooks.tsx';

const secret = 'whsec_0123456789abcdef0123456789abcdef';

function webhooksApi() {
  const stored: Record<string, unknown>[] = [];
  return fakeClient({
    webhooks: () => ({ data: { webhooks: stored } }),
    createWebhook: (variables) => {
      if (String(variables.url).includes('evil.example')) {
        return {
          errors: [
            {
              message: 'The webhook host "evil.example" is not allowed on this server.',
              extensions: { code: 'BAD_USER_INPUT', field: 'url' },
            },
          ],
        };
      }
      const webhook = {
        id: 'w1',
        url: variables.url,
        events: variables.events,
        createdAt: '2026-11-25T10:00:00.000Z',
      };
      stored.push({
        ...webhook,
        deliveries: [
          {
            id: 'd1',
            event: 'RUN_FAILED',
            status: 'PENDING',
            attempts: 2,
            lastError: 'connection refused',
            lastStatusCode: null,
            nextAttemptAt: '2026-11-25T10:05:00.000Z',
            deliveredAt: null,
            createdAt: '2026-11-25T10:01:00.000Z',
          },
        ],
      });
      return { data: { createWebhook: { ...webhook, secret } } };
    },
    deleteWebhook: () => {
      stored.length = 0;
      return { data: { deleteWebhook: true } };
    },
  });
}

describe('webhooks', () => {
  it('refuses an empty event list without asking the API, and shows a refused host beside the URL', async () => {
    const { client, calls } = webhooksApi();
    const user = renderWithApi(<WebhooksSection />, client);
    await screen.findByText('No webhooks yet.');
    await user.click(screen.getByRole('button', { name: 'Add a webhook' }));
    await user.type(screen.getByLabelText('URL'), 'http://127.0.0.1:9/hook');
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));
    expect(screen.getByText('Choose at least one event.')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Events' }).getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((c) => c.operationName === 'CreateWebhook')).toBe(false);

    await user.clear(screen.getByLabelText('URL'));
    await user.type(screen.getByLabelText('URL'), 'https://evil.example/hook');
    await user.click(screen.getByLabelText('A run failed'));
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));
    const urlError = await screen.findByText(/host "evil.example" is not allowed/);
    expect(urlError.closest('.field')?.querySelector('input')?.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('webhook-secret')).toBeNull();
  });

  it('shows the secret once after creation, then never again', async () => {
    const { client, calls } = webhooksApi();
    const user = renderWithApi(<WebhooksSection />, client);
    await user.click(await screen.findByRole('button', { name: 'Add a webhook' }));
    await user.type(screen.getByLabelText('URL'), 'http://127.0.0.1:9/hook');
    await user.click(screen.getByLabelText('A run succeeded'));
    await user.click(screen.getByLabelText('A connection needs a new key'));
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));

    const box = await screen.findByRole('region', { name: 'Signing secret' });
    expect((within(box).getByLabelText('Secret') as HTMLInputElement).value).toBe(secret);
    expect(box.textContent).toMatch(/you will not see this secret again/);
    expect(box.textContent).toMatch(/Leadsync-Signature/);
    expect(calls.find((c) => c.operationName === 'CreateWebhook')?.variables).toEqual({
      url: 'http://127.0.0.1:9/hook',
      events: ['RUN_SUCCEEDED', 'CONNECTION_NEEDS_NEW_KEY'],
    });
    // The list (which never carries the secret) shows the new webhook and its delivery log.
    const card = await screen.findByTestId('webhook-w1');
    expect(within(card).getByTestId('webhook-events').textContent).toBe(
      'A run succeeded, A connection needs a new key',
    );
    const delivery = within(card).getByTestId('webhook-delivery');
    expect(delivery.textContent).toMatch(/Retrying/);
    expect(delivery.textContent).toMatch(/connection refused/);

    await user.click(within(box).getByRole('button', { name: 'I have saved it' }));
    expect(screen.queryByRole('region', { name: 'Signing secret' })).toBeNull();
    expect(document.body.textContent).not.toContain(secret);

    // Delete asks first; "Keep it" keeps it.
    await user.click(
      within(card).getByRole('button', { name: 'Delete the webhook http://127.0.0.1:9/hook' }),
    );
    await user.click(within(card).getByRole('button', { name: 'Keep it' }));
    expect(calls.some((c) => c.operationName === 'DeleteWebhook')).toBe(false);
    await user.click(
      within(card).getByRole('button', { name: 'Delete the webhook http://127.0.0.1:9/hook' }),
    );
    await user.click(within(card).getByRole('button', { name: 'Delete webhook' }));
    await screen.findByText('No webhooks yet.');
    expect(calls.find((c) => c.operationName === 'DeleteWebhook')?.variables).toEqual({ id: 'w1' });
  });

  it('appears on Settings only when the API has webhooks', async () => {
    const api = () =>
      fakeClient({
        settings: () => ({ data: { connections: [], connectors: [], syncs: [] } }),
        webhooks: () => ({ data: { webhooks: [] } }),
      });
    const without = api();
    renderWithApi(<SettingsPage />, without.client);
    await screen.findByText('No connections yet.');
    expect(screen.queryByRole('heading', { name: 'Webhooks' })).toBeNull();
    expect(without.calls.some((c) => c.operationName === 'Webhooks')).toBe(false);
    cleanup();

    const withWebhooks = api();
    renderWithApi(<SettingsPage />, withWebhooks.client, { webhooks: true });
    expect(await screen.findByRole('heading', { name: 'Webhooks' })).toBeTruthy();
    await screen.findByText('No webhooks yet.');
  });
});
