import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Connector } from '../api/types.ts';
import { fakeClient } from '../test/fakeApi.ts';
import { renderWithApi } from '../test/render.tsx';
import { regionField } from '../test/specs.ts';
import { ConnectionForm } from './ConnectionForm.tsx';

// A connector the console has never heard of: everything about its form comes from its spec.
const pipeline: Connector = {
  id: 'pipeline-crm',
  displayName: 'Pipeline CRM',
  maxLookbackDays: null,
  detectsDeletes: true,
  spec: {
    help: '1. Open Settings › API in Pipeline CRM.\n2. Create a token with the scope contacts:read.',
    links: [{ title: 'Pipeline API docs', url: 'https://pipeline.example/docs' }],
    accountKey: 'token',
    credentials: {
      type: 'object',
      properties: {
        account: { type: 'string', title: 'Account name' },
        token: {
          type: 'string',
          title: 'API token',
          writeOnly: true,
          description: 'Shown once in Pipeline.',
        },
      },
      required: ['account', 'token'],
    },
    settings: {
      type: 'object',
      properties: {
        region: regionField,
        archived: { type: 'boolean', title: 'Include archived contacts' },
        pageSize: { type: 'integer', title: 'Page size', minimum: 1, maximum: 500, advanced: true },
      },
    },
  },
};

describe('the connection form', () => {
  it('is drawn from the spec alone, names each field at fault, and sends what the fields make', async () => {
    const { client, calls } = fakeClient({
      createConnection: (variables) => {
        const input = variables.input as { credentials: { token: string } };
        if (input.credentials.token !== 'good') {
          return {
            errors: [
              {
                message: 'Pipeline refused the token.',
                extensions: { code: 'BAD_USER_INPUT', field: 'credentials.token' },
              },
            ],
          };
        }
        return {
          data: {
            createConnection: {
              id: 'n1',
              connector: 'pipeline-crm',
              name: 'Pipeline CRM',
              status: 'ACTIVE',
              primaryEmail: null,
              maskedKey: null,
            },
          },
        };
      },
    });
    const onCreated = vi.fn();
    const user = renderWithApi(
      <ConnectionForm connectors={[pipeline]} onCreated={onCreated} onCancel={() => undefined} />,
      client,
    );
    const help = screen.getByTestId('setup-help');
    expect(help.textContent).toContain('contacts:read');
    expect(within(help).getByRole('link', { name: 'Pipeline API docs' }).getAttribute('href')).toBe(
      'https://pipeline.example/docs',
    );
    expect(screen.getByTestId('field-credentials.token').getAttribute('type')).toBe('password');
    expect(screen.getByTestId('field-credentials.account').getAttribute('type')).toBe('text');
    expect((screen.getByTestId('field-settings.region') as HTMLSelectElement).value).toBe('us');

    await user.click(screen.getByTestId('connection-save'));
    expect(screen.getByText('Enter the account name.')).toBeTruthy();
    expect(screen.getByText('Enter the API token.')).toBeTruthy();
    expect(calls.some((c) => c.operationName === 'CreateConnection')).toBe(false);

    await user.type(screen.getByTestId('field-credentials.account'), ' acme ');
    await user.type(screen.getByTestId('field-credentials.token'), 'bad');
    await user.selectOptions(screen.getByTestId('field-settings.region'), 'eu');
    await user.click(screen.getByTestId('field-settings.archived'));
    await user.type(screen.getByTestId('field-settings.pageSize'), '100');
    await user.click(screen.getByTestId('connection-save'));
    // The API's refusal goes beside the field it names.
    expect(await screen.findByText('Pipeline refused the token.')).toBeTruthy();
    expect(screen.getByTestId('field-credentials.token').getAttribute('aria-invalid')).toBe('true');

    await user.clear(screen.getByTestId('field-credentials.token'));
    await user.type(screen.getByTestId('field-credentials.token'), 'good');
    await user.click(screen.getByTestId('connection-save'));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls.filter((c) => c.operationName === 'CreateConnection').at(-1)?.variables).toEqual({
      input: {
        connector: 'pipeline-crm',
        name: 'Pipeline CRM',
        credentials: { account: 'acme', token: 'good' },
        settings: { region: 'eu', archived: true, pageSize: 100 },
      },
    });
  });
});
