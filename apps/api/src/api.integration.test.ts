import { connections } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';
import { type GraphQLObjectType, getNamedType, isLeafType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLeadsyncSchema } from './graphql/schema.ts';
import { codeOf, ok, startTestApi, type TestApi } from './testing/harness.ts';

const CSV = [
  'email,first_name,last_name,country',
  'a@example.com,Ann,A,India',
  'b@example.com,Bob,B,France',
].join('\n');

const MAPPING = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
];
const SCHEDULE = { frequency: 'WEEKLY', time: '08:30', timeZone: 'America/New_York', weekday: 1 };

const CREATE_SYNC = `mutation($input: CreateSyncInput!) { createSync(input: $input) { id status importMode criteria } }`;

describe('the GraphQL API over HTTP', () => {
  let api: TestApi;
  let listId: string;
  let connectionId: string;

  const syncInput = (patch: Record<string, unknown> = {}) => ({
    name: 'CSV sync',
    connectionId,
    sourceOrganizationId: 'file',
    importMode: 'ALL',
    mailingListId: listId,
    fieldMapping: MAPPING,
    schedule: SCHEDULE,
    ...patch,
  });

  async function newSync(patch: Record<string, unknown> = {}): Promise<string> {
    return ok(await api.gql(CREATE_SYNC, { input: syncInput(patch) })).createSync.id;
  }

  async function waitForRun(runId: string) {
    await api.scheduler.idle();
    return ok(
      await api.gql(
        `query($id: ID!) { syncRun(id: $id) { id status dryRun undoneAt totals { total newLeads duplicate } } }`,
        { id: runId },
      ),
    ).syncRun;
  }

  beforeAll(async () => {
    api = await startTestApi();
    listId = ok(await api.gql(`mutation { createMailingList(name: "Main") { id } }`)).createMailingList.id;
    connectionId = ok(
      await api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
        input: { connector: 'csv', name: 'File', credentials: {}, settings: { csv: CSV } },
      }),
    ).createConnection.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('authentication and protection', () => {
    it('answers 401 UNAUTHENTICATED without a key, with an unknown key, and with a malformed header', async () => {
      for (const key of [null, 'lsk_not-a-real-key']) {
        const result = await api.gql(`{ connectors { id } }`, {}, key);
        expect(result.status).toBe(401);
        expect(codeOf(result)).toBe('UNAUTHENTICATED');
      }
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${api.key}` },
        body: JSON.stringify({ query: '{ connectors { id } }' }),
      });
      expect(response.status).toBe(401);
    });

    it('serves /healthz', async () => {
      const response = await fetch(`${api.url}/healthz`);
      expect(response.status).toBe(200);
    });

    it('lets an admin create a key (shown once), list keys masked, and revoke one, which then stops working', async () => {
      const created = ok(
        await api.gql(
          `mutation { createApiKey(name: "CI", role: MEMBER) { key apiKey { id name role maskedKey } } }`,
        ),
      ).createApiKey;
      expect(created.key).toMatch(/^lsk_/);
      expect(created.apiKey).toMatchObject({ name: 'CI', role: 'MEMBER' });
      expect(created.apiKey.maskedKey.endsWith('…')).toBe(true);
      expect(created.key.startsWith(created.apiKey.maskedKey.slice(0, -1))).toBe(true);

      const listed = ok(await api.gql(`{ apiKeys { id maskedKey revokedAt } }`)).apiKeys;
      expect(listed.map((k: { id: string }) => k.id)).toContain(created.apiKey.id);
      expect(JSON.stringify(listed)).not.toContain(created.key);

      const { viewer, organization } = ok(
        await api.gql(`{ viewer { role organizationId } organization { id name } }`, {}, created.key),
      );
      expect(viewer).toEqual({ role: 'MEMBER', organizationId: api.organizationId });
      expect(organization).toEqual({ id: api.organizationId, name: 'Acme' });

      const forbidden = await api.gql(`{ apiKeys { id } }`, {}, created.key);
      expect(codeOf(forbidden)).toBe('FORBIDDEN');
      const forbiddenCreate = await api.gql(`mutation { createApiKey(name: "x") { key } }`, {}, created.key);
      expect(codeOf(forbiddenCreate)).toBe('FORBIDDEN');

      expect(
        ok(await api.gql(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: created.apiKey.id }))
          .revokeApiKey,
      ).toBe(true);
      const afterRevoke = await api.gql(`{ connectors { id } }`, {}, created.key);
      expect(afterRevoke.status).toBe(401);
      expect(codeOf(afterRevoke)).toBe('UNAUTHENTICATED');

      const unknown = await api.gql(`mutation { revokeApiKey(id: "00000000-0000-0000-0000-000000000000") }`);
      expect(codeOf(unknown)).toBe('NOT_FOUND');
    });

    it('refuses a query with too many aliases before running it', async () => {
      const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: connectors { id }`).join(' ');
      const result = await api.gql(`{ ${aliases} }`);
      expect(result.status).toBe(400);
      expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses a request body over the size limit', async () => {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
        body: JSON.stringify({
          query: '{ connectors { id } }',
          variables: { pad: 'x'.repeat(11 * 1024 * 1024) },
        }),
      });
      expect(response.status).toBe(413);
    });

    it('turns an internal failure into INTERNAL_SERVER_ERROR without message details or stack', async () => {
      const broken = ok(
        await api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
          input: { connector: 'csv', name: 'Broken', credentials: {}, settings: { csv: CSV } },
        }),
      ).createConnection.id;
      await api.db
        .update(connections)
        .set({ credentialsEncrypted: 'v1.garbage' })
        .where(eq(connections.id, broken));
      const result = await api.gql(`query($id: ID!) { sourceFields(connectionId: $id) { key } }`, {
        id: broken,
      });
      expect(codeOf(result)).toBe('INTERNAL_SERVER_ERROR');
      expect(result.errors?.[0]?.message).toBe('Internal server error');
      expect(JSON.stringify(result)).not.toMatch(/stack|SecretBox|sealed/i);
      ok(await api.gql(`mutation($id: ID!) { deleteConnection(id: $id) }`, { id: broken }));
    });
  });

  describe('connectors, connections and lists', () => {
    it('lists the connectors with their capabilities', async () => {
      const { connectors } = ok(
        await api.gql(`{ connectors { id displayName maxLookbackDays detectsDeletes } }`),
      );
      expect(connectors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: 'csv', maxLookbackDays: null, detectsDeletes: true }),
          expect.objectContaining({ id: 'zoho-invoice', maxLookbackDays: 30 }),
        ]),
      );
    });

    it('refuses an unknown connector and settings the connector rejects, storing nothing', async () => {
      const before = ok(await api.gql(`{ connections { id } }`)).connections.length;
      const unknown = await api.gql(
        `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`,
        {
          input: { connector: 'nope', name: 'x', credentials: {} },
        },
      );
      expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
      expect(unknown.errors?.[0]?.extensions?.field).toBe('connector');
      const badSettings = await api.gql(
        `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`,
        {
          input: {
            connector: 'csv',
            name: 'x',
            credentials: {},
            settings: { csv: 'just one column\nno email' },
          },
        },
      );
      expect(codeOf(badSettings)).toBe('BAD_USER_INPUT');
      expect(badSettings.errors?.[0]?.extensions?.field).toBeTruthy();
      const noName = await api.gql(
        `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`,
        {
          input: { connector: 'csv', name: '  ', credentials: {}, settings: { csv: CSV } },
        },
      );
      expect(noName.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
      expect(ok(await api.gql(`{ connections { id } }`)).connections).toHaveLength(before);
    });

    it('checks new settings before storing them', async () => {
      const result = await api.gql(
        `mutation($id: ID!, $s: JSONObject!) { updateConnectionSettings(id: $id, settings: $s) { id } }`,
        { id: connectionId, s: { csv: 'a\n' } },
      );
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      const fields = ok(
        await api.gql(`query($id: ID!) { sourceFields(connectionId: $id) { key } }`, { id: connectionId }),
      );
      expect(fields.sourceFields.map((f: { key: string }) => f.key)).toContain('country');
    });

    it('creates mailing lists with unique names', async () => {
      const created = ok(
        await api.gql(`mutation { createMailingList(name: "Partners") { name leadCount } }`),
      );
      expect(created.createMailingList).toEqual({ name: 'Partners', leadCount: 0 });
      expect(codeOf(await api.gql(`mutation { createMailingList(name: "partners") { id } }`))).toBe(
        'CONFLICT',
      );
      const empty = await api.gql(`mutation { createMailingList(name: "") { id } }`);
      expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    });
  });

  describe('syncs', () => {
    it('validates the mapping: email is mandatory, targets are lead fields, sources exist', async () => {
      const cases: [unknown, string][] = [
        [[{ source: 'first_name', target: 'firstName' }], 'input.fieldMapping'],
        [
          [
            { source: 'email', target: 'email' },
            { source: 'country', target: 'address' },
          ],
          'input.fieldMapping.1.target',
        ],
        [
          [
            { source: 'email', target: 'email' },
            { source: 'nope', target: 'fields.nope' },
          ],
          'input.fieldMapping.1.source',
        ],
        [
          [
            { source: 'email', target: 'email' },
            { source: 'first_name', target: 'email' },
          ],
          'input.fieldMapping.1.target',
        ],
      ];
      for (const [fieldMapping, field] of cases) {
        const result = await api.gql(CREATE_SYNC, { input: syncInput({ fieldMapping }) });
        expect(result.errors?.[0]?.extensions, JSON.stringify(fieldMapping)).toMatchObject({
          code: 'BAD_USER_INPUT',
          field,
        });
      }
    });

    it('takes criteria only with import mode CRITERIA, naming existing fields', async () => {
      const criteria = { match: 'all', rules: [{ field: 'country', op: 'is', value: 'India' }] };
      const withAll = await api.gql(CREATE_SYNC, { input: syncInput({ criteria }) });
      expect(withAll.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.criteria',
      });
      const missing = await api.gql(CREATE_SYNC, { input: syncInput({ importMode: 'CRITERIA' }) });
      expect(missing.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.criteria',
      });
      const unknownField = await api.gql(CREATE_SYNC, {
        input: syncInput({
          importMode: 'CRITERIA',
          criteria: { match: 'all', rules: [{ field: 'planet', op: 'is', value: 'x' }] },
        }),
      });
      expect(unknownField.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.criteria',
      });
      const good = ok(
        await api.gql(CREATE_SYNC, { input: syncInput({ importMode: 'CRITERIA', criteria }) }),
      ).createSync;
      expect(good).toMatchObject({ status: 'DRAFT', importMode: 'CRITERIA', criteria });
    });

    it('validates the schedule and the source organization', async () => {
      const zone = await api.gql(CREATE_SYNC, {
        input: syncInput({ schedule: { ...SCHEDULE, timeZone: 'Mars/Base' } }),
      });
      expect(zone.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.schedule.timeZone',
      });
      const time = await api.gql(CREATE_SYNC, {
        input: syncInput({ schedule: { ...SCHEDULE, time: '25:00' } }),
      });
      expect(time.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.schedule.time',
      });
      const weekly = await api.gql(CREATE_SYNC, {
        input: syncInput({ schedule: { ...SCHEDULE, weekday: null } }),
      });
      expect(weekly.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.schedule.weekday',
      });
      const organization = await api.gql(CREATE_SYNC, {
        input: syncInput({ sourceOrganizationId: 'other' }),
      });
      expect(organization.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.sourceOrganizationId',
      });
    });

    it('initiates, deactivates, activates and deletes a sync, keeping the worker jobs in step', async () => {
      const id = await newSync();
      const draftRun = await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id });
      expect(codeOf(draftRun)).toBe('CONFLICT');
      expect(codeOf(await api.gql(`mutation($id: ID!) { deactivateSync(id: $id) { id } }`, { id }))).toBe(
        'CONFLICT',
      );

      expect(
        ok(await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { status } }`, { id })).initiateSync
          .status,
      ).toBe('ACTIVE');
      expect(api.scheduler.calls.at(-1)).toBe(`schedule:${id}`);

      const deactivated = ok(
        await api.gql(`mutation($id: ID!) { deactivateSync(id: $id) { status inactiveReason nextRunAt } }`, {
          id,
        }),
      ).deactivateSync;
      expect(deactivated).toMatchObject({ status: 'INACTIVE', nextRunAt: null });
      expect(api.scheduler.calls.at(-1)).toBe(`unschedule:${id}`);
      expect(codeOf(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id }))).toBe(
        'CONFLICT',
      );

      const activated = ok(
        await api.gql(`mutation($id: ID!) { activateSync(id: $id) { status inactiveReason } }`, { id }),
      );
      expect(activated.activateSync).toEqual({ status: 'ACTIVE', inactiveReason: null });
      expect(api.scheduler.calls.at(-1)).toBe(`schedule:${id}`);

      expect(ok(await api.gql(`mutation($id: ID!) { deleteSync(id: $id) }`, { id })).deleteSync).toBe(true);
      expect(api.scheduler.calls.at(-1)).toBe(`unschedule:${id}`);
      expect(ok(await api.gql(`query($id: ID!) { sync(id: $id) { id } }`, { id })).sync).toBeNull();
      expect(codeOf(await api.gql(`mutation($id: ID!) { deleteSync(id: $id) }`, { id }))).toBe('NOT_FOUND');
    });

    it('updates the mapping, the retrieval details and the policy, but never the import mode', async () => {
      const id = await newSync();
      const mapped = ok(
        await api.gql(
          `mutation($id: ID!, $m: [FieldMappingInput!]!) { updateSyncMapping(id: $id, fieldMapping: $m) { fieldMapping { source target } } }`,
          {
            id,
            m: [...MAPPING, { source: 'country', target: 'fields.country' }],
          },
        ),
      ).updateSyncMapping;
      expect(mapped.fieldMapping).toHaveLength(3);
      const badMapping = await api.gql(
        `mutation($id: ID!, $m: [FieldMappingInput!]!) { updateSyncMapping(id: $id, fieldMapping: $m) { id } }`,
        { id, m: [{ source: 'country', target: 'fields.country' }] },
      );
      expect(badMapping.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'fieldMapping',
      });

      const retrieval = ok(
        await api.gql(
          `mutation($id: ID!, $s: ScheduleInput, $r: DateTime) { updateSyncRetrieval(id: $id, schedule: $s, retrieveFrom: $r) {
            schedule { frequency time timeZone dayOfMonth } retrieveFrom } }`,
          {
            id,
            s: { frequency: 'MONTHLY', time: '23:15', timeZone: 'Asia/Kolkata', dayOfMonth: -1 },
            r: '2026-01-01T00:00:00.000Z',
          },
        ),
      ).updateSyncRetrieval;
      expect(retrieval).toEqual({
        schedule: { frequency: 'MONTHLY', time: '23:15', timeZone: 'Asia/Kolkata', dayOfMonth: -1 },
        retrieveFrom: '2026-01-01T00:00:00.000Z',
      });

      const criteria = await api.gql(
        `mutation($id: ID!, $c: JSONObject) { updateSyncRetrieval(id: $id, criteria: $c) { id } }`,
        {
          id,
          c: { match: 'all', rules: [] },
        },
      );
      expect(criteria.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'criteria' });
      expect(criteria.errors?.[0]?.message).toMatch(/create a new sync/);
      const mode = await api.gql(
        `mutation($id: ID!) { updateSyncRetrieval(id: $id, importMode: CRITERIA) { id } }`,
        { id },
      );
      expect(mode.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'importMode' });
      expect(mode.errors?.[0]?.message).toMatch(/cannot change after creation: create a new sync/);

      const estimate = ok(await api.gql(`query($id: ID!) { syncCostEstimate(id: $id) { records } }`, { id }));
      expect(estimate.syncCostEstimate).toEqual({ records: 2 });
      const policy = ok(
        await api.gql(
          `mutation($id: ID!) { updateSyncPolicy(id: $id, updatePolicy: FILL_EMPTY) { updatePolicy } }`,
          { id },
        ),
      );
      expect(policy.updateSyncPolicy.updatePolicy).toBe('FILL_EMPTY');
    });

    it('previews a draft without touching the lists, then runs, undoes and refuses a second undo', async () => {
      const list = ok(await api.gql(`mutation { createMailingList(name: "Preview target") { id } }`))
        .createMailingList.id;
      // Its own file: the syncs initiated above imported the shared file's addresses at once.
      const file = ok(
        await api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
          input: {
            connector: 'csv',
            name: 'Preview file',
            credentials: {},
            settings: { csv: CSV.replaceAll('@example.com', '@preview.example.com') },
          },
        }),
      ).createConnection.id;
      const id = await newSync({ mailingListId: list, connectionId: file });
      const preview = ok(
        await api.gql(`mutation($id: ID!) { previewSync(id: $id) { id dryRun status } }`, { id }),
      ).previewSync;
      expect(preview).toMatchObject({ dryRun: true, status: 'QUEUED' });
      const previewed = await waitForRun(preview.id);
      expect(previewed).toMatchObject({
        status: 'SUCCEEDED',
        dryRun: true,
        totals: { total: 2, newLeads: 2 },
      });
      const untouched = ok(
        await api.gql(`query($l: ID!) { leads(mailingListId: $l) { totalCount } }`, { l: list }),
      );
      expect(untouched.leads.totalCount).toBe(0);
      expect(
        ok(await api.gql(`query($id: ID!) { sync(id: $id) { lastRun { id } } }`, { id })).sync.lastRun,
      ).toBeNull();

      const initiated = ok(
        await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { lastRun { id trigger } } }`, { id }),
      ).initiateSync;
      expect(initiated.lastRun.trigger).toBe('initiate');
      const runId = initiated.lastRun.id;
      const run = await waitForRun(runId);
      expect(run.totals).toEqual(previewed.totals);
      expect(
        ok(await api.gql(`query($l: ID!) { leads(mailingListId: $l) { totalCount } }`, { l: list })).leads
          .totalCount,
      ).toBe(2);

      const undone = ok(
        await api.gql(`mutation($id: ID!) { undoSyncRun(id: $id) { id undoneAt } }`, { id: runId }),
      ).undoSyncRun;
      expect(undone.undoneAt).not.toBeNull();
      expect(
        ok(await api.gql(`query($l: ID!) { leads(mailingListId: $l) { totalCount } }`, { l: list })).leads
          .totalCount,
      ).toBe(0);
      const rerunId = ok(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id }))
        .runSyncNow.id;
      expect((await waitForRun(rerunId)).totals).toEqual(run.totals);
      expect(codeOf(await api.gql(`mutation($id: ID!) { undoSyncRun(id: $id) { id } }`, { id: runId }))).toBe(
        'BAD_USER_INPUT',
      );
      ok(await api.gql(`mutation($id: ID!) { undoSyncRun(id: $id) { id } }`, { id: rerunId }));
      const again = await api.gql(`mutation($id: ID!) { undoSyncRun(id: $id) { id } }`, { id: runId });
      expect(codeOf(again)).toBe('BAD_USER_INPUT');
      const dry = await api.gql(`mutation($id: ID!) { undoSyncRun(id: $id) { id } }`, { id: preview.id });
      expect(codeOf(dry)).toBe('BAD_USER_INPUT');
    });

    it('answers syncs with their connection, list and last run in a constant number of queries (no N+1)', async () => {
      const query = `{ syncs { id connection { id } mailingList { id leadCount } lastRun { id totals { total } } } }`;
      const cost = async () => {
        const before = api.queries();
        const { syncs } = ok(await api.gql(query));
        return { syncs: syncs.length as number, queries: api.queries() - before };
      };
      await newSync();
      const few = await cost();
      for (let i = 0; i < 5; i += 1) await newSync();
      const many = await cost();
      expect(many.syncs).toBe(few.syncs + 5);
      expect(many.queries).toBe(few.queries);
      expect(many.queries).toBeLessThanOrEqual(5);
    });

    it('loads only the relations the selection names, through fragments too, and the same data either way', async () => {
      await newSync();
      const queriesOf = async (query: string) => {
        const before = api.queries();
        const data = ok(await api.gql(query));
        return { data, queries: api.queries() - before };
      };
      const bare = await queriesOf('{ syncs { id } }');
      const oneRelation = await queriesOf('{ syncs { id ...Run } } fragment Run on Sync { lastRun { id } }');
      const all = await queriesOf(
        '{ syncs { id ... on Sync { connection { id name } } mailingList { id name } lastRun { id status } } }',
      );
      expect(oneRelation.queries).toBe(bare.queries + 1);
      expect(all.queries).toBe(bare.queries + 3);
      // One sync at a time (no list to load for): the same relations, loaded when the field asks.
      for (const sync of all.data.syncs) {
        const one = ok(
          await api.gql(
            'query($id: ID!) { sync(id: $id) { id connection { id name } mailingList { id name } lastRun { id status } } }',
            { id: sync.id },
          ),
        ).sync;
        expect(one).toEqual(sync);
      }
    });

    it('answers every field of a listed sync and its last run as the same sync asked alone', async () => {
      // The list reads only the columns its selection needs (SYNC_FIELD_COLUMNS, RUN_FIELD_COLUMNS); asked alone, a
      // sync and its last run are read whole. Every field the schema has, to the depth of the console's queries.
      const schema = await buildLeadsyncSchema();
      const selection = (type: GraphQLObjectType, depth: number): string =>
        Object.values(type.getFields())
          // Paginated fields (with arguments: a sync's runs, a run's records) are read by their own statements.
          .filter((field) => field.args.length === 0)
          .flatMap((field) => {
            const named = getNamedType(field.type);
            if (isLeafType(named)) return [field.name];
            if (depth === 0 || !isObjectType(named)) return [];
            const inner = selection(named, depth - 1);
            return inner ? [`${field.name} { ${inner} }`] : [];
          })
          .join(' ');
      const fields = selection(schema.getType('Sync') as GraphQLObjectType, 3);
      expect(fields).toContain('lastRun { id');
      const listed = ok(await api.gql(`{ syncs { ${fields} } }`)).syncs as { id: string; lastRun: unknown }[];
      expect(listed.some((sync) => sync.lastRun !== null)).toBe(true);
      for (const sync of listed) {
        const alone = ok(
          await api.gql(`query($id: ID!) { sync(id: $id) { ${fields} } }`, { id: sync.id }),
        ).sync;
        expect(sync).toEqual(alone);
      }
      // A sync's runs, a page read with the columns of its nodes' selection, against each run asked alone.
      const runFields = selection(schema.getType('SyncRun') as GraphQLObjectType, 2);
      const withRuns = listed.find((sync) => sync.lastRun !== null)?.id;
      const page = ok(
        await api.gql(
          `query($id: ID!) { sync(id: $id) { runs(first: 50) { edges { node { ${runFields} } } } } }`,
          {
            id: withRuns,
          },
        ),
      ).sync.runs.edges as { node: { id: string } }[];
      expect(page.length).toBeGreaterThan(0);
      for (const { node } of page) {
        const alone = ok(
          await api.gql(`query($id: ID!) { syncRun(id: $id) { ${runFields} } }`, { id: node.id }),
        );
        expect(node).toEqual(alone.syncRun);
      }
    });

    it('lists syncs with connection, list and last run', async () => {
      const { syncs } = ok(
        await api.gql(
          `{ syncs { id connection { id connector } mailingList { id } lastRun { id status } } }`,
        ),
      );
      expect(syncs.length).toBeGreaterThan(1);
      for (const sync of syncs) expect(sync.connection).toMatchObject({ connector: 'csv' });
      expect(syncs.some((sync: { connection: { id: string } }) => sync.connection.id === connectionId)).toBe(
        true,
      );
      expect(syncs.some((sync: { lastRun: unknown }) => sync.lastRun !== null)).toBe(true);
    });
  });

  describe('pagination arguments', () => {
    it('refuses a cursor it never issued and page sizes out of range', async () => {
      const cursor = await api.gql(`{ leads(after: "bm9wZQ") { totalCount } }`);
      expect(cursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      for (const first of [0, 501]) {
        const result = await api.gql(`query($first: Int) { leads(first: $first) { totalCount } }`, { first });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      }
    });
  });

  describe('organization isolation', () => {
    it('answers NOT_FOUND (or null, or nothing) for every id of another organization', async () => {
      const syncId = await newSync();
      ok(await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: syncId }));
      const runId = ok(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: syncId }))
        .runSyncNow.id;
      await waitForRun(runId);
      const other = await api.newOrganization('Globex');
      const as = (query: string, variables: Record<string, unknown> = {}) =>
        api.gql(query, variables, other.key);

      const reads = ok(
        await as(
          `query($s: ID!, $r: ID!) { sync(id: $s) { id } syncRun(id: $r) { id } connections { id } mailingLists { id }
          syncs { id } leads { totalCount } }`,
          { s: syncId, r: runId },
        ),
      );
      expect(reads).toEqual({
        sync: null,
        syncRun: null,
        connections: [],
        mailingLists: [],
        syncs: [],
        leads: { totalCount: 0 },
      });

      const notFound = [
        as(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: syncId }),
        as(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: syncId }),
        as(`mutation($id: ID!) { deleteSync(id: $id) }`, { id: syncId }),
        as(`mutation($id: ID!) { deactivateSync(id: $id) { id } }`, { id: syncId }),
        as(`mutation($id: ID!) { undoSyncRun(id: $id) { id } }`, { id: runId }),
        as(`mutation($id: ID!) { updateSyncPolicy(id: $id, updatePolicy: NEVER) { id } }`, { id: syncId }),
        as(`query($id: ID!) { sourceFields(connectionId: $id) { key } }`, { id: connectionId }),
        as(
          `mutation($id: ID!) { updateConnectionSettings(id: $id, settings: {csv: "email\\na@b.co"}) { id } }`,
          { id: connectionId },
        ),
        as(`mutation($id: ID!) { activateAllSyncs(connectionId: $id) { id } }`, { id: connectionId }),
        as(CREATE_SYNC, { input: syncInput() }),
      ];
      for (const result of await Promise.all(notFound))
        expect(codeOf(result), JSON.stringify(result)).toBe('NOT_FOUND');

      const ownList = ok(await as(`mutation { createMailingList(name: "Main") { id } }`)).createMailingList
        .id;
      const ownConnection = ok(
        await as(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
          input: { connector: 'csv', name: 'Theirs', credentials: {}, settings: { csv: CSV } },
        }),
      ).createConnection.id;
      const foreignList = await as(CREATE_SYNC, { input: syncInput({ connectionId: ownConnection }) });
      expect(codeOf(foreignList)).toBe('NOT_FOUND');
      expect(
        codeOf(
          await as(CREATE_SYNC, {
            input: syncInput({ connectionId: ownConnection, mailingListId: ownList }),
          }),
        ),
      ).toBeUndefined();
      expect(ok(await as(`mutation { markBounced(emails: ["a@example.com"]) }`)).markBounced).toBe(0);
      expect((await api.gql(`{ leads(status: BOUNCED) { totalCount } }`)).data?.leads.totalCount).toBe(0);
    });
  });
});

describe('the API under limits and in production', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a key has used its burst', async () => {
    const api = await startTestApi({ rateLimit: { burst: 3, perSecond: 0.01 } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await api.gql(`{ connectors { id } }`)).status).toBe(200);
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
        body: JSON.stringify({ query: '{ connectors { id } }' }),
      });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
      expect(body.errors[0]?.message).toMatch(/Too many requests with this API key/);
      const otherKey = await api.newKey(api.organizationId, 'member');
      expect((await api.gql(`{ connectors { id } }`, {}, otherKey)).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('offers the landing page outside production only', async () => {
    const development = await startTestApi();
    try {
      const page = await fetch(`${development.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
    } finally {
      await development.close();
    }
  });

  it('refuses whole-schema introspection and offers no landing page in production; __type still answers', async () => {
    const api = await startTestApi({ production: true });
    try {
      const page = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/<html/i);
      const result = await api.gql(`{ __schema { types { name } } }`);
      expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
      const typeLookup = ok(await api.gql(`{ __type(name: "SyncRun") { fields { name } } }`));
      expect(typeLookup.__type.fields.map((f: { name: string }) => f.name)).toContain('dryRun');
      expect(JSON.stringify(result)).not.toMatch(/stacktrace/);
    } finally {
      await api.close();
    }
  });
});
