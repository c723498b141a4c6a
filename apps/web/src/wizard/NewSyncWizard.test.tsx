import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeClient, type Handler } from '../test/fakeApi.ts';
import { renderWithApi } from '../test/render.tsx';
import { NewSyncWizard } from './NewSyncWizard.tsx';

const connectors = [
  { id: 'csv', displayName: 'CSV file', maxLookbackDays: null, detectsDeletes: true },
  { id: 'zoho-invoice', displayName: 'Zoho Invoice', maxLookbackDays: 30, detectsDeletes: false },
];

function api(fields: { key: string; label: string; type: string }[], extra: Record<string, Handler> = {}) {
  return fakeClient({
    connections: () => ({
      data: {
        connections: [
          {
            id: 'c1',
            connector: 'csv',
            name: 'Fair leads',
            status: 'ACTIVE',
            primaryEmail: null,
            maskedKey: null,
          },
        ],
        connectors,
      },
    }),
    mailingLists: () => ({ data: { mailingLists: [{ id: 'l1', name: 'Newsletter', leadCount: 0 }] } }),
    sourceOrganizations: () => ({ data: { sourceOrganizations: [{ id: 'file', name: 'The file' }] } }),
    sourceFields: () => ({ data: { sourceFields: fields } }),
    ...extra,
  });
}

async function fillDetails(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByTestId('sync-name'), 'Fair leads to Newsletter');
  await user.selectOptions(await screen.findByTestId('connection-select'), 'c1');
  await waitFor(() =>
    expect((screen.getByTestId('source-organization') as HTMLSelectElement).value).toBe('file'),
  );
  await user.selectOptions(screen.getByTestId('mailing-list-select'), 'l1');
  await user.click(screen.getByTestId('wizard-next'));
  await screen.findByRole('heading', { name: '2. Field mapping' });
}

const csvFields = [
  { key: 'Mail', label: 'Mail', type: 'string' },
  { key: 'Given', label: 'Given', type: 'string' },
];

describe('the new sync wizard', () => {
  it('does not leave the details step until the details are given', async () => {
    const { client } = api(csvFields);
    const user = renderWithApi(<NewSyncWizard />, client);
    await user.click(await screen.findByTestId('wizard-next'));
    expect(screen.getByRole('heading', { name: '1. Details' })).toBeTruthy();
    expect(screen.getByText(/Describe the sync/)).toBeTruthy();
    expect(screen.getByText(/Choose a connection/, { selector: '.field-error' })).toBeTruthy();
    expect(screen.getByText(/Choose the mailing list/)).toBeTruthy();
    expect(screen.getByTestId('sync-name').getAttribute('aria-invalid')).toBe('true');
  });

  it('refuses to continue without an email mapping', async () => {
    const { client } = api(csvFields);
    const user = renderWithApi(<NewSyncWizard />, client);
    await fillDetails(user);
    // "Mail" is not recognisably an email column, so nothing is pre-mapped to Email.
    expect((screen.getByTestId('mapping-source-email') as HTMLSelectElement).value).toBe('');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByRole('heading', { name: '2. Field mapping' })).toBeTruthy();
    expect(screen.getByTestId('error-mapping.email').textContent).toMatch(/Map a source field to Email/);

    await user.selectOptions(screen.getByTestId('mapping-source-email'), 'Mail');
    await user.click(screen.getByTestId('wizard-next'));
    expect(await screen.findByRole('heading', { name: '3. Schedule' })).toBeTruthy();
  });

  it('pre-maps email and names, and "Map more" rows need a source', async () => {
    const { client } = api([
      { key: 'email', label: 'Email', type: 'string' },
      { key: 'first_name', label: 'First Name', type: 'string' },
      { key: 'last_name', label: 'Last Name', type: 'string' },
      { key: 'company', label: 'Company', type: 'string' },
    ]);
    const user = renderWithApi(<NewSyncWizard />, client);
    await fillDetails(user);
    expect((screen.getByTestId('mapping-source-email') as HTMLSelectElement).value).toBe('email');
    expect((screen.getByTestId('mapping-source-firstName') as HTMLSelectElement).value).toBe('first_name');
    expect((screen.getByTestId('mapping-source-lastName') as HTMLSelectElement).value).toBe('last_name');
    await user.click(screen.getByTestId('map-more'));
    await user.type(screen.getByTestId('mapping-target'), 'company');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByText(/Choose the source field for this row/)).toBeTruthy();
    await user.selectOptions(screen.getByTestId('mapping-source'), 'company');
    await user.click(screen.getByTestId('wizard-next'));
    expect(await screen.findByRole('heading', { name: '3. Schedule' })).toBeTruthy();
  });

  it("shows the API's BAD_USER_INPUT beside the field it names, on that field's step", async () => {
    const { client, calls } = api(csvFields, {
      createSync: () => ({
        errors: [
          {
            message: 'The retrieval window starts too early: at most 30 days back.',
            extensions: { code: 'BAD_USER_INPUT', field: 'input.retrieveFrom' },
          },
        ],
      }),
    });
    const user = renderWithApi(<NewSyncWizard />, client);
    await fillDetails(user);
    await user.selectOptions(screen.getByTestId('mapping-source-email'), 'Mail');
    await user.click(screen.getByTestId('wizard-next'));
    await screen.findByRole('heading', { name: '3. Schedule' });
    await user.click(screen.getByTestId('wizard-next'));
    await screen.findByRole('heading', { name: '4. Review' });
    expect(screen.getByTestId('review-schedule').textContent).toMatch(/^Daily at 09:00, /);
    await user.click(screen.getByTestId('initiate'));
    expect(await screen.findByRole('heading', { name: '3. Schedule' })).toBeTruthy();
    expect(screen.getByText('The retrieval window starts too early: at most 30 days back.')).toBeTruthy();
    const create = calls.find((c) => c.operationName === 'CreateSync');
    expect(create?.variables.input).toMatchObject({
      name: 'Fair leads to Newsletter',
      connectionId: 'c1',
      sourceOrganizationId: 'file',
      importMode: 'ALL',
      mailingListId: 'l1',
      fieldMapping: [{ source: 'Mail', target: 'email' }],
    });
    expect(create?.authorization).toBe('Bearer test-key');
    expect(create?.variables.input).not.toHaveProperty('activeRecordsOnly');
  });

  it('offers "active records only" for a connector that can read them, and sends the choice', async () => {
    const { client, calls } = api(csvFields, {
      connections: () => ({
        data: {
          connections: [
            {
              id: 'c1',
              connector: 'zoho-invoice',
              name: 'Zoho',
              status: 'ACTIVE',
              primaryEmail: null,
              maskedKey: null,
            },
          ],
          connectors: connectors.map((c) => ({ ...c, activeOnlyReads: c.id === 'zoho-invoice' })),
        },
      }),
      createSync: () => ({ errors: [{ message: 'stop here', extensions: { code: 'BAD_USER_INPUT' } }] }),
    });
    const user = renderWithApi(<NewSyncWizard />, client, { activeRecords: true });
    await user.type(await screen.findByTestId('sync-name'), 'Active Zoho contacts');
    await user.selectOptions(await screen.findByTestId('connection-select'), 'c1');
    await user.click(await screen.findByTestId('active-records-only'));
    await user.selectOptions(screen.getByTestId('mailing-list-select'), 'l1');
    await user.click(screen.getByTestId('wizard-next'));
    await screen.findByRole('heading', { name: '2. Field mapping' });
    await user.selectOptions(screen.getByTestId('mapping-source-email'), 'Mail');
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(await screen.findByTestId('wizard-next'));
    await screen.findByRole('heading', { name: '4. Review' });
    await user.click(screen.getByTestId('initiate'));
    await waitFor(() => expect(calls.some((c) => c.operationName === 'CreateSync')).toBe(true));
    const create = calls.find((c) => c.operationName === 'CreateSync');
    expect(create?.variables.input).toMatchObject({ connectionId: 'c1', activeRecordsOnly: true });
  });
});
