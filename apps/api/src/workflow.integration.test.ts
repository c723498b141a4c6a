import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { fastRegistry } from '@leadsync/connectors/testing';
import { syncs } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncInput } from './testing/fixtures.ts';
import { codeOf, ok, startTestApi, type TestApi } from './testing/harness.ts';

// Issue 19, "The sync workflow as a marketer expects it": the GraphQL side of each point.

const CSV = ['email,first_name', 'a@example.com,Ann', 'b@example.com,Bob'].join('\n');
const MAPPING = [{ source: 'email', target: 'email' }];

describe('the sync workflow', () => {
  let api: TestApi;
  let sim: ZohoInvoiceSimulator;
  let csvConnectionId: string;
  let zohoConnectionId: string;
  let zohoOrganizationId: string;
  const DAY = 86_400_000;

  async function newList(name: string): Promise<string> {
    return ok(await api.gql(`mutation($n: String!) { createMailingList(name: $n) { id } }`, { n: name }))
      .createMailingList.id;
  }

  async function leadCount(listId: string): Promise<number> {
    return ok(await api.gql(`query($l: ID!) { leads(mailingListId: $l) { totalCount } }`, { l: listId }))
      .leads.totalCount;
  }

  async function csvSync(schedule: Record<string, unknown>, listId: string): Promise<string> {
    const input = syncInput({
      name: 'Workflow',
      connectionId: csvConnectionId,
      mailingListId: listId,
      schedule,
    });
    return ok(
      await api.gql(`mutation($input: CreateSyncInput!) { createSync(input: $input) { id status } }`, {
        input,
      }),
    ).createSync.id;
  }

  const INITIATE = `mutation($id: ID!) { initiateSync(id: $id) { status nextRunAt lastRun { status trigger } } }`;

  /** A Zoho Invoice sync's input into the list, daily at 09:00 in Kolkata unless `patch` says otherwise. */
  const zohoInput = (listId: string, patch: Record<string, unknown> = {}) =>
    syncInput({
      name: 'Zoho',
      connectionId: zohoConnectionId,
      sourceOrganizationId: zohoOrganizationId,
      mailingListId: listId,
      schedule: { frequency: 'DAILY', time: '09:00', timeZone: 'Asia/Kolkata' },
      ...patch,
    });

  async function zohoSync(listId: string, patch: Record<string, unknown> = {}) {
    return ok(
      await api.gql(
        `mutation($input: CreateSyncInput!) { createSync(input: $input) { id status createdAt retrieveFrom fullRereadPending setupStep } }`,
        { input: zohoInput(listId, patch) },
      ),
    ).createSync;
  }

  beforeAll(async () => {
    api = await startTestApi({ registry: fastRegistry({ planDailyQuota: true }) });
    sim = await startZohoInvoiceSimulator({ seed: 19, contactsPerOrganization: 0, rateLimit: false });
    zohoOrganizationId = sim.organizations[0]?.organization_id ?? '';
    sim.addContacts(zohoOrganizationId, [
      { contact_name: 'Ann Co', first_name: 'Ann', last_name: 'A', email: 'ann@zoho.example.com' },
      { contact_name: 'Bob Co', first_name: 'Bob', last_name: 'B', email: 'bob@zoho.example.com' },
    ]);
    zohoConnectionId = ok(
      await api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
        input: {
          connector: 'zoho-invoice',
          name: 'Zoho',
          credentials: sim.credentials,
          settings: { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl },
        },
      }),
    ).createConnection.id;
    csvConnectionId = ok(
      await api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
        input: { connector: 'csv', name: 'File', credentials: {}, settings: { csv: CSV } },
      }),
    ).createConnection.id;
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  describe('initiating', () => {
    it('starts the first import at once, then follows the schedule', async () => {
      const list = await newList('Daily');
      const id = await csvSync({ frequency: 'DAILY', time: '09:00', timeZone: 'Asia/Kolkata' }, list);
      const initiated = ok(await api.gql(INITIATE, { id })).initiateSync;
      expect(initiated.status).toBe('ACTIVE');
      expect(initiated.lastRun).toMatchObject({ trigger: 'initiate' });
      const calls = api.scheduler.calls.filter((call) => call.includes(id) || call.startsWith('run:'));
      expect(calls.at(-1)).toBe(`schedule:${id}`);
      expect(calls.at(-2)).toMatch(/^run:/);
      await api.scheduler.idle();
      expect(await leadCount(list)).toBe(2);
    });

    it('runs a ONCE sync without a time now, as its one scheduled run', async () => {
      const list = await newList('Once now');
      const id = await csvSync({ frequency: 'ONCE', timeZone: 'Europe/Berlin' }, list);
      const initiated = ok(await api.gql(INITIATE, { id })).initiateSync;
      expect(initiated.lastRun).toMatchObject({ trigger: 'schedule' });
      await api.scheduler.idle();
      expect(await leadCount(list)).toBe(2);
    });

    it('leaves a ONCE sync with a time to run then', async () => {
      const list = await newList('Once later');
      const id = await csvSync({ frequency: 'ONCE', time: '23:59', timeZone: 'Pacific/Kiritimati' }, list);
      const before = api.scheduler.calls.length;
      const initiated = ok(await api.gql(INITIATE, { id })).initiateSync;
      expect(initiated.status).toBe('ACTIVE');
      expect(initiated.lastRun).toBeNull();
      expect(api.scheduler.calls.slice(before)).toEqual([`schedule:${id}`]);
    });
  });

  describe('the one-month window', () => {
    it("defaults retrieveFrom to the earliest day the source allows, measured from the sync's creation", async () => {
      const list = await newList('Window');
      const sync = await zohoSync(list);
      const createdAt = new Date(sync.createdAt).getTime();
      expect(new Date(sync.retrieveFrom).getTime()).toBe(createdAt - 30 * DAY);
      // A source without a limit reads everything.
      const csv = await csvSync({ frequency: 'DAILY', time: '09:00', timeZone: 'UTC' }, list);
      const read = ok(await api.gql(`query($id: ID!) { sync(id: $id) { retrieveFrom } }`, { id: csv }));
      expect(read.sync.retrieveFrom).toBeNull();
      // Clearing the date later goes back to the earliest day, not to "everything".
      const changed = ok(
        await api.gql(
          `mutation($id: ID!, $r: DateTime) { updateSyncRetrieval(id: $id, retrieveFrom: $r) { retrieveFrom } }`,
          { id: sync.id, r: new Date(createdAt - 5 * DAY).toISOString() },
        ),
      ).updateSyncRetrieval;
      expect(new Date(changed.retrieveFrom).getTime()).toBe(createdAt - 5 * DAY);
      const cleared = ok(
        await api.gql(
          `mutation($id: ID!) { updateSyncRetrieval(id: $id, retrieveFrom: null) { retrieveFrom } }`,
          { id: sync.id },
        ),
      ).updateSyncRetrieval;
      expect(new Date(cleared.retrieveFrom).getTime()).toBe(createdAt - 30 * DAY);
      const tooOld = await api.gql(
        `mutation($id: ID!, $r: DateTime) { updateSyncRetrieval(id: $id, retrieveFrom: $r) { id } }`,
        { id: sync.id, r: new Date(createdAt - 30 * DAY - 60_000).toISOString() },
      );
      expect(tooOld.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'retrieveFrom' });
    });
  });

  describe('connecting Zoho Invoice', () => {
    it('says what a person must do, and names the credential the source refused', async () => {
      const { connectors } = ok(await api.gql(`{ connectors { id setupHelp spec } }`));
      const zoho = connectors.find((c: { id: string }) => c.id === 'zoho-invoice');
      expect(zoho.setupHelp).toContain('Self Client');
      expect(zoho.setupHelp).toContain('ZohoInvoice.contacts.READ,ZohoInvoice.settings.READ');
      expect(zoho.setupHelp).toMatch(/refresh token/);
      expect(zoho.setupHelp).toMatch(/data center/);
      // The form as data: the help, the secrets, the data centers (the UK too) and the account key.
      expect(zoho.spec.help).toBe(zoho.setupHelp);
      expect(zoho.spec.accountKey).toBe('refreshToken');
      expect(zoho.spec.credentials.required).toEqual(['clientId', 'clientSecret', 'refreshToken']);
      expect(zoho.spec.credentials.properties.refreshToken).toMatchObject({
        type: 'string',
        writeOnly: true,
      });
      expect(zoho.spec.credentials.properties.clientId.writeOnly).toBeUndefined();
      expect(zoho.spec.settings.properties.dataCenter).toMatchObject({ default: 'com' });
      expect(zoho.spec.settings.properties.dataCenter.oneOf).toContainEqual({
        const: 'uk',
        title: 'United Kingdom (zoho.uk)',
      });
      const csv = connectors.find((c: { id: string }) => c.id === 'csv');
      expect(csv.spec.settings.properties.fileId).toMatchObject({
        format: 'file-upload',
        fileNameKey: 'fileName',
      });
      expect(csv.spec.settings.required).toEqual(['fileId']);
      const connect = (credentials: Record<string, unknown>) =>
        api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
          input: {
            connector: 'zoho-invoice',
            name: 'Refused',
            credentials,
            settings: { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl },
          },
        });
      const badToken = await connect({ ...sim.credentials, refreshToken: '1000.not.the-token' });
      expect(badToken.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'credentials.refreshToken',
      });
      const badClient = await connect({ ...sim.credentials, clientSecret: 'not-the-secret' });
      expect(badClient.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'credentials.clientId',
      });
      expect(badClient.errors?.[0]?.message).toMatch(/client id or secret/);
    });
  });

  describe('cost before initiating', () => {
    it('tells records, list requests and detail requests of a draft', async () => {
      const list = await newList('Cost');
      const plain = await zohoSync(list);
      const estimate = async (id: string) =>
        ok(
          await api.gql(
            `query($id: ID!) { syncCostEstimate(id: $id) { records requests listRequests detailRequests } }`,
            { id },
          ),
        ).syncCostEstimate;
      const contacts = (await estimate(plain.id)).records;
      expect(contacts).toBeGreaterThanOrEqual(2);
      expect(await estimate(plain.id)).toEqual({
        records: contacts,
        requests: 1,
        listRequests: 1,
        detailRequests: 0,
      });
      // The billing country is not on a list page: one detail request per contact.
      const detailed = await zohoSync(list, {
        fieldMapping: [...MAPPING, { source: 'billing_address.country', target: 'fields.country' }],
      });
      expect(await estimate(detailed.id)).toEqual({
        records: contacts,
        requests: 1 + contacts,
        listRequests: 1,
        detailRequests: contacts,
      });
    });
  });

  describe('save and continue', () => {
    it('keeps a draft saved before the mapping step, continues it step by step, and initiates it once mapped', async () => {
      const list = await newList('Drafts');
      const draft = await zohoSync(list, { fieldMapping: [], setupStep: 1 });
      expect(draft).toMatchObject({ status: 'DRAFT', setupStep: 1 });
      const listed = ok(await api.gql(`{ syncs { id status setupStep } }`)).syncs;
      expect(listed).toContainEqual({ id: draft.id, status: 'DRAFT', setupStep: 1 });
      // Not runnable yet: the mapping is missing.
      const early = await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: draft.id });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fieldMapping' });
      // An empty mapping is refused once past the mapping step.
      const unmapped = await zohoDraftUpdate(draft.id, list, { fieldMapping: [], setupStep: 2 });
      expect(unmapped.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });

      const saved = ok(
        await zohoDraftUpdate(draft.id, list, { name: 'Zoho renamed', importMode: 'ALL', setupStep: 3 }),
      ).updateSyncDraft;
      expect(saved).toMatchObject({ name: 'Zoho renamed', status: 'DRAFT', setupStep: 3 });
      const initiated = ok(
        await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { status setupStep } }`, { id: draft.id }),
      ).initiateSync;
      expect(initiated).toEqual({ status: 'ACTIVE', setupStep: null });
      const late = await zohoDraftUpdate(draft.id, list, { setupStep: 3 });
      expect(codeOf(late)).toBe('CONFLICT');
      await api.scheduler.idle();
    });

    function zohoDraftUpdate(id: string, listId: string, patch: Record<string, unknown>) {
      return api.gql(
        `mutation($id: ID!, $input: CreateSyncInput!) { updateSyncDraft(id: $id, input: $input) { id name status setupStep } }`,
        { id, input: zohoInput(listId, patch) },
      );
    }
  });

  describe('after initiating', () => {
    it('reads the whole window again after a change of mapping, criteria or retrieval date', async () => {
      const list = await newList('Reread');
      const sync = await zohoSync(list);
      ok(await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: sync.id }));
      await api.scheduler.idle();
      const pending = async () =>
        ok(await api.gql(`query($id: ID!) { sync(id: $id) { fullRereadPending } }`, { id: sync.id })).sync
          .fullRereadPending;
      expect(await pending()).toBe(false);
      // The same mapping again is no change.
      ok(
        await api.gql(
          `mutation($id: ID!, $m: [FieldMappingInput!]!) { updateSyncMapping(id: $id, fieldMapping: $m) { id } }`,
          { id: sync.id, m: MAPPING },
        ),
      );
      expect(await pending()).toBe(false);
      // A newly mapped field reaches the leads the source has not changed since.
      ok(
        await api.gql(
          `mutation($id: ID!, $m: [FieldMappingInput!]!) { updateSyncMapping(id: $id, fieldMapping: $m) { fullRereadPending } }`,
          { id: sync.id, m: [...MAPPING, { source: 'first_name', target: 'firstName' }] },
        ),
      );
      expect(await pending()).toBe(true);
      const runId = ok(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: sync.id }))
        .runSyncNow.id;
      await api.scheduler.idle();
      const run = ok(
        await api.gql(`query($id: ID!) { syncRun(id: $id) { status totals { total duplicate } } }`, {
          id: runId,
        }),
      ).syncRun;
      expect(run).toEqual({ status: 'SUCCEEDED', totals: { total: 2, duplicate: 2 } });
      const leads = ok(
        await api.gql(`query($l: ID!) { leads(mailingListId: $l) { edges { node { email firstName } } } }`, {
          l: list,
        }),
      ).leads.edges.map((edge: { node: unknown }) => edge.node);
      expect(leads).toEqual(
        expect.arrayContaining([
          { email: 'ann@zoho.example.com', firstName: 'Ann' },
          { email: 'bob@zoho.example.com', firstName: 'Bob' },
        ]),
      );
      expect(await pending()).toBe(false);

      ok(
        await api.gql(
          `mutation($id: ID!, $r: DateTime) { updateSyncRetrieval(id: $id, retrieveFrom: $r) { id } }`,
          { id: sync.id, r: new Date(Date.now() - 2 * DAY).toISOString() },
        ),
      );
      expect(await pending()).toBe(true);
    });

    it('reads inactive contacts too unless the sync asks for active ones only; a change re-reads the window', async () => {
      const { connectors } = ok(await api.gql(`{ connectors { id activeOnlyReads } }`));
      expect(connectors).toEqual(
        expect.arrayContaining([
          { id: 'zoho-invoice', activeOnlyReads: true },
          { id: 'csv', activeOnlyReads: false },
        ]),
      );
      const list = await newList('Active only');
      const every = await zohoSync(list);
      const read = async (id: string) =>
        ok(await api.gql(`query($id: ID!) { sync(id: $id) { activeRecordsOnly fullRereadPending } }`, { id }))
          .sync;
      expect((await read(every.id)).activeRecordsOnly).toBe(false);
      const active = await zohoSync(list, { activeRecordsOnly: true });
      expect((await read(active.id)).activeRecordsOnly).toBe(true);
      sim.clearRequests();
      ok(await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: active.id }));
      await api.scheduler.idle();
      const filters = sim.requests.filter((r) => r.path.endsWith('/contacts')).map((r) => r.query.filter_by);
      expect(new Set(filters)).toEqual(new Set(['Status.Active']));
      expect((await read(active.id)).fullRereadPending).toBe(false);
      ok(
        await api.gql(
          `mutation($id: ID!) { updateSyncRetrieval(id: $id, activeRecordsOnly: false) { activeRecordsOnly } }`,
          { id: active.id },
        ),
      );
      expect(await read(active.id)).toEqual({ activeRecordsOnly: false, fullRereadPending: true });

      // A source without a notion of active records refuses the choice, naming the field.
      const refused = await api.gql(
        `mutation($input: CreateSyncInput!) { createSync(input: $input) { id } }`,
        {
          input: syncInput({
            name: 'File',
            connectionId: csvConnectionId,
            mailingListId: list,
            schedule: { frequency: 'DAILY', time: '09:00', timeZone: 'UTC' },
            activeRecordsOnly: true,
          }),
        },
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.activeRecordsOnly',
      });
    });

    it('keeps the re-read asked for while a run was reading', async () => {
      const list = await newList('Reread race');
      const sync = await zohoSync(list);
      ok(await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: sync.id }));
      await api.scheduler.idle();
      // A run that started before the change: its end must not bring the high-water mark back.
      const run = await api.engine.queueRun(api.organizationId, sync.id, { trigger: 'manual' });
      await api.db.execute(
        `update sync_runs set status = 'running', started_at = now() - interval '1 minute' where id = '${run.id}'` as never,
      );
      ok(
        await api.gql(
          `mutation($id: ID!, $m: [FieldMappingInput!]!) { updateSyncMapping(id: $id, fieldMapping: $m) { id } }`,
          { id: sync.id, m: [...MAPPING, { source: 'last_name', target: 'lastName' }] },
        ),
      );
      await api.engine.executeRun(run.id);
      const [row] = await api.db.select().from(syncs).where(eq(syncs.id, sync.id));
      expect(row?.highWaterMark).toBeNull();
    });

    it('a changed primary email needs the key again: every sync inactive, nothing written, the new key stores the new email', async () => {
      const list = await newList('Email change');
      const first = await zohoSync(list);
      const second = await zohoSync(list, { name: 'Zoho 2' });
      for (const id of [first.id, second.id])
        ok(await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id }));
      await api.scheduler.idle();
      const before = ok(
        await api.gql(`query($l: ID!) { leads(mailingListId: $l) { totalCount } }`, { l: list }),
      ).leads.totalCount;
      const oldEmail = sim.primaryEmail;
      sim.setPrimaryEmail('new.owner@other-company.example.com');
      sim.addContacts(zohoOrganizationId, [
        { contact_name: 'Cy Co', first_name: 'Cy', email: 'cy@zoho.example.com' },
      ]);

      const runId = ok(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: first.id }))
        .runSyncNow.id;
      await api.scheduler.idle();
      const run = ok(
        await api.gql(`query($id: ID!) { syncRun(id: $id) { status error totals { total } } }`, {
          id: runId,
        }),
      ).syncRun;
      expect(run.status).toBe('FAILED');
      expect(run.totals.total).toBe(0);
      expect(run.error).toMatch(/primary email changed from .…@.* to n…@other-company\.example\.com/);
      expect(run.error).not.toContain(oldEmail);
      expect(run.error).not.toContain('new.owner');
      const connection = ok(
        await api.gql(`{ connections { id status statusReason primaryEmail } }`),
      ).connections.find((c: { id: string }) => c.id === zohoConnectionId);
      expect(connection).toMatchObject({ status: 'NEEDS_NEW_KEY', primaryEmail: oldEmail });
      expect(connection.statusReason).toMatch(/^The account's primary email changed from /);
      // Every sync of the connection that was active (the other tests' syncs too), not only the one that ran.
      const states = ok(
        await api.gql(`{ syncs { id status inactiveReason connection { id } } }`),
      ).syncs.filter(
        (s: { connection: { id: string }; status: string }) =>
          s.connection.id === zohoConnectionId && s.status !== 'DRAFT',
      );
      expect(states.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([first.id, second.id]));
      for (const state of states)
        expect(state).toMatchObject({ status: 'INACTIVE', inactiveReason: 'primary_email_changed' });
      expect(
        ok(await api.gql(`query($l: ID!) { leads(mailingListId: $l) { totalCount } }`, { l: list })).leads
          .totalCount,
      ).toBe(before);

      // Entering the key again (the refresh token alone: client id and secret are kept) stores the new email.
      const rekeyed = ok(
        await api.gql(
          `mutation($id: ID!, $c: JSONObject!) { updateConnectionCredentials(id: $id, credentials: $c) { status statusReason primaryEmail } }`,
          { id: zohoConnectionId, c: { refreshToken: sim.credentials.refreshToken } },
        ),
      ).updateConnectionCredentials;
      expect(rekeyed).toEqual({
        status: 'ACTIVE',
        statusReason: null,
        primaryEmail: 'new.owner@other-company.example.com',
      });
      const still = ok(await api.gql(`query($id: ID!) { sync(id: $id) { status } }`, { id: first.id })).sync;
      expect(still.status).toBe('INACTIVE');
      ok(
        await api.gql(`mutation($id: ID!) { activateAllSyncs(connectionId: $id) { id } }`, {
          id: zohoConnectionId,
        }),
      );
      const again = ok(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: first.id }))
        .runSyncNow.id;
      await api.scheduler.idle();
      const ran = ok(await api.gql(`query($id: ID!) { syncRun(id: $id) { status } }`, { id: again })).syncRun;
      expect(ran.status).toBe('SUCCEEDED');
    });
  });
});
