import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { fastRegistry } from '@leadsync/connectors/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, type Json, ok, startTestApi, type TestApi } from './testing/harness.ts';

/** DESIGN.md §4 end to end through the API, against the Zoho Invoice simulator. */

const CONNECTION_FIELDS = 'id status maskedKey primaryEmail';
const SYNC_FIELDS = 'id status inactiveReason';

describe('Zoho Invoice account key rotation over HTTP', () => {
  let api: TestApi;
  let sim: ZohoInvoiceSimulator;
  let connectionId: string;
  let orgId: string;
  const syncIds: string[] = [];

  const settings = () => ({ dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl });
  const createConnection = (credentials: unknown, connectionSettings: unknown = settings()) =>
    api.gql(
      `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { ${CONNECTION_FIELDS} } }`,
      {
        input: { connector: 'zoho-invoice', name: 'Zoho', credentials, settings: connectionSettings },
      },
    );
  const syncsOf = async () =>
    (ok(await api.gql(`{ syncs { ${SYNC_FIELDS} } }`)).syncs as Json[]).filter((s) => syncIds.includes(s.id));
  const connection = async () =>
    ok(await api.gql(`{ connections { ${CONNECTION_FIELDS} } }`)).connections.find(
      (c: { id: string }) => c.id === connectionId,
    );
  async function run(syncId: string) {
    const { runSyncNow } = ok(
      await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: syncId }),
    );
    await api.scheduler.idle();
    return ok(
      await api.gql(
        `query($id: ID!) { syncRun(id: $id) { status error totals { total newLeads duplicate } } }`,
        {
          id: runSyncNow.id,
        },
      ),
    ).syncRun;
  }

  beforeAll(async () => {
    api = await startTestApi({ registry: fastRegistry({ planDailyQuota: true }) });
    sim = await startZohoInvoiceSimulator({ seed: 11, contactsPerOrganization: 0, rateLimit: false });
    orgId = sim.organizations[0]?.organization_id ?? '';
    sim.addContacts(orgId, [
      { contact_name: 'Ann Co', first_name: 'Ann', last_name: 'A', email: 'ann@example.com' },
      { contact_name: 'Bob Co', first_name: 'Bob', last_name: 'B', email: 'bob@example.com' },
      { contact_name: 'Cy Co', first_name: 'Cy', last_name: 'C', email: 'cy@example.com' },
    ]);
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it('refuses a key the source rejects and a host outside LEADSYNC_ALLOWED_HOSTS, storing nothing', async () => {
    const refused = await createConnection({ ...sim.credentials, refreshToken: 'not-the-token' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'credentials.refreshToken',
    });
    const host = await createConnection(sim.credentials, {
      ...settings(),
      apiUrl: 'http://10.1.2.3/invoice/v3',
    });
    expect(codeOf(host)).toBe('BAD_USER_INPUT');
    expect(ok(await api.gql(`{ connections { id } }`)).connections).toEqual([]);
  });

  it('creates the connection after checking the key, returning only the masked key and primary email', async () => {
    const result = await createConnection(sim.credentials);
    const created = ok(result).createConnection;
    expect(created).toMatchObject({ status: 'ACTIVE', primaryEmail: sim.primaryEmail });
    expect(created.maskedKey).toBe(`…${sim.credentials.refreshToken.slice(-4)}`);
    expect(JSON.stringify(result)).not.toContain(sim.credentials.clientSecret);
    expect(JSON.stringify(result)).not.toContain(sim.credentials.refreshToken);
    connectionId = created.id;
    const organizations = ok(
      await api.gql(`query($id: ID!) { sourceOrganizations(connectionId: $id) { id } }`, {
        id: connectionId,
      }),
    ).sourceOrganizations;
    expect(organizations.map((o: { id: string }) => o.id)).toEqual(
      sim.organizations.map((o) => o.organization_id),
    );
  });

  it("refuses retrieveFrom earlier than the connector's 30-day look-back, naming the field", async () => {
    const listId = ok(await api.gql(`mutation { createMailingList(name: "Zoho") { id } }`)).createMailingList
      .id;
    const input = (retrieveFrom: string) => ({
      name: 'Zoho customers',
      connectionId,
      sourceOrganizationId: orgId,
      importMode: 'ALL',
      mailingListId: listId,
      fieldMapping: [
        { source: 'email', target: 'email' },
        { source: 'first_name', target: 'firstName' },
      ],
      schedule: { frequency: 'DAILY', time: '07:00', timeZone: 'UTC' },
      retrieveFrom,
    });
    const day = 86_400_000;
    const tooOld = await api.gql(`mutation($input: CreateSyncInput!) { createSync(input: $input) { id } }`, {
      input: input(new Date(Date.now() - 31 * day).toISOString()),
    });
    expect(tooOld.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.retrieveFrom',
    });
    expect(tooOld.errors?.[0]?.message).toMatch(/30 days/);
    for (const name of ['first', 'second']) {
      const created = ok(
        await api.gql(`mutation($input: CreateSyncInput!) { createSync(input: $input) { id } }`, {
          input: { ...input(new Date(Date.now() - 29 * day).toISOString()), name },
        }),
      ).createSync;
      syncIds.push(created.id);
      ok(await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: created.id }));
    }
    // Initiating imported at once: the first sync's first import made the three leads.
    await api.scheduler.idle();
    const first = ok(
      await api.gql(
        `query($id: ID!) { sync(id: $id) { lastRun { status trigger totals { total newLeads } } } }`,
        {
          id: syncIds[0],
        },
      ),
    ).sync.lastRun;
    expect(first).toMatchObject({
      status: 'SUCCEEDED',
      trigger: 'initiate',
      totals: { total: 3, newLeads: 3 },
    });
    const estimate = ok(
      await api.gql(`query($id: ID!) { syncCostEstimate(id: $id) { records requests note } }`, {
        id: syncIds[0],
      }),
    ).syncCostEstimate;
    expect(estimate).toMatchObject({ records: 3, requests: 1 });
  });

  it('a key rotated at the source fails the next run; the connection needs a new key and every sync is inactive', async () => {
    const rotated = sim.rotateKey();
    const failed = await run(syncIds[0] ?? '');
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBeTruthy();
    expect(await connection()).toMatchObject({ status: 'NEEDS_NEW_KEY' });
    expect(await syncsOf()).toEqual(
      syncIds.map((id) => ({ id, status: 'INACTIVE', inactiveReason: 'credentials_changed' })),
    );

    const stale = await api.gql(
      `mutation($id: ID!, $c: JSONObject!) { updateConnectionCredentials(id: $id, credentials: $c) { id } }`,
      {
        id: connectionId,
        c: { ...rotated, refreshToken: 'still-wrong' },
      },
    );
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'credentials.refreshToken',
    });
    expect(await connection()).toMatchObject({ status: 'NEEDS_NEW_KEY' });
    expect(
      codeOf(await api.gql(`mutation($id: ID!) { activateSync(id: $id) { id } }`, { id: syncIds[0] })),
    ).toBe('CONFLICT');

    const updated = ok(
      await api.gql(
        `mutation($id: ID!, $c: JSONObject!) { updateConnectionCredentials(id: $id, credentials: $c) { ${CONNECTION_FIELDS} } }`,
        { id: connectionId, c: rotated },
      ),
    ).updateConnectionCredentials;
    expect(updated).toMatchObject({ status: 'ACTIVE', maskedKey: `…${rotated.refreshToken.slice(-4)}` });
    // The new key alone activates nothing: the syncs wait for a person.
    expect((await syncsOf()).map((s) => s.status)).toEqual(['INACTIVE', 'INACTIVE']);
    expect(
      codeOf(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: syncIds[0] })),
    ).toBe('CONFLICT');

    const activated = ok(
      await api.gql(`mutation($id: ID!) { activateAllSyncs(connectionId: $id) { ${SYNC_FIELDS} } }`, {
        id: connectionId,
      }),
    ).activateAllSyncs;
    expect(activated).toEqual(syncIds.map((id) => ({ id, status: 'ACTIVE', inactiveReason: null })));
    for (const id of syncIds)
      expect(api.scheduler.calls.filter((c) => c === `schedule:${id}`)).toHaveLength(2);
    const again = await run(syncIds[0] ?? '');
    expect(again).toMatchObject({ status: 'SUCCEEDED', totals: { total: 3, newLeads: 0, duplicate: 3 } });
  });

  it('entering a new key on an active connection deactivates and unschedules every sync until activated', async () => {
    const rotated = sim.rotateKey();
    const callsBefore = api.scheduler.calls.length;
    ok(
      await api.gql(
        `mutation($id: ID!, $c: JSONObject!) { updateConnectionCredentials(id: $id, credentials: $c) { id } }`,
        {
          id: connectionId,
          c: rotated,
        },
      ),
    );
    expect(await syncsOf()).toEqual(
      syncIds.map((id) => ({ id, status: 'INACTIVE', inactiveReason: 'credentials_changed' })),
    );
    expect(api.scheduler.calls.slice(callsBefore).sort()).toEqual(
      syncIds.map((id) => `unschedule:${id}`).sort(),
    );
    const one = ok(
      await api.gql(`mutation($id: ID!) { activateSync(id: $id) { ${SYNC_FIELDS} } }`, { id: syncIds[1] }),
    );
    expect(one.activateSync).toEqual({ id: syncIds[1], status: 'ACTIVE', inactiveReason: null });
    expect((await syncsOf()).map((s) => s.status)).toEqual(['INACTIVE', 'ACTIVE']);
  });
});
