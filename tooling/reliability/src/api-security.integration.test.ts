import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { ApiKeyRepository, createDatabase, createOrganization, type DatabaseHandle } from '@leadsync/db';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProduct, rootFields, startProduct } from './support/product.ts';

/**
 * Security over real HTTP against the real product process (`pnpm start`'s main.ts with the worker in process):
 * authentication of every root operation, tenant isolation, secrets in answers, logs and errors, and the limits on
 * request size and query shape.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are untyped JSON; the assertions that read them check them.
type Json = any;

interface Answer {
  status: number;
  text: string;
  json: Json;
}

/** The ids of organization B that A is not allowed to touch. */
interface Foreign {
  connectionId: string;
  syncId: string;
  runId: string;
  mailingListId: string;
  apiKeyId: string;
  webhookId: string;
  emails: string[];
  sourceOrganizationId: string;
}

type Expectation =
  /** A nullable lookup: `null`, or NOT_FOUND. */
  | 'lookup'
  /** Must be refused: NOT_FOUND or BAD_USER_INPUT, nothing changes. */
  | 'refused'
  /** The caller's own list: answered, without anything of B. */
  | 'own'
  /** Emails of B's leads: nothing changes (0). */
  | 'emails';

interface Operation {
  document: string;
  variables: (b: Foreign) => Record<string, unknown>;
  expect: Expectation;
}

const SCHEDULE = { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' };

/** Which of B's ids an operation is given. */
type ForeignId = Exclude<keyof Foreign, 'emails'>;

/** The case of one root field, made from the field's name. */
type Case = (field: string) => Operation;

/** A document of A's own, without variables. */
const own =
  (document: string): Case =>
  () => ({ document, variables: () => ({}), expect: 'own' });

/** A case written out whole, its document not of the `onB` pattern. */
const custom =
  (operation: Operation): Case =>
  () =>
    operation;

/**
 * `kind ($id: ID!, …) { field(arg: $id…) selection }` with one of B's ids (`of`); `more` declares and gives further
 * variables, `args` adds literal arguments.
 */
const onB =
  (
    kind: 'query' | 'mutation',
    of: ForeignId,
    expect: Expectation,
    options: {
      arg?: string;
      args?: string;
      selection?: string;
      more?: { declare: string; values: (b: Foreign) => Record<string, unknown> };
    } = {},
  ): Case =>
  (field) => {
    const { arg = 'id', args = '', selection = ' { id }', more } = options;
    return {
      document: `${kind} ($id: ID!${more ? `, ${more.declare}` : ''}) { ${field}(${arg}: $id${args})${selection} }`,
      variables: (b) => ({ id: b[of], ...more?.values(b) }),
      expect,
    };
  };

/** A query of one of B's objects: it must answer nothing of it. */
const lookup = (of: ForeignId, selection: string) =>
  onB('query', of, 'lookup', { selection: ` { ${selection} }` });

/** A mutation of one of B's objects: it must be refused. */
const refused = (of: ForeignId, options: Parameters<typeof onB>[3] = {}) =>
  onB('mutation', of, 'refused', options);

/** A mutation answering a number, of B's objects: it must be refused. */
const refusedScalar = (of: ForeignId) => refused(of, { selection: '' });

/** A mutation of B's lead emails: it must change nothing (0). */
const onEmailsOfB: Case = (field) => ({
  document: `mutation ($emails: [String!]!) { ${field}(emails: $emails) }`,
  variables: (b) => ({ emails: b.emails }),
  expect: 'emails',
});

/** A sync of B's objects, for creating or updating one in A's organization. */
const stealingSync = (b: Foreign) => ({
  name: 'Steal',
  connectionId: b.connectionId,
  sourceOrganizationId: b.sourceOrganizationId,
  importMode: 'ALL',
  mailingListId: b.mailingListId,
  fieldMapping: [{ source: 'email', target: 'email' }],
  schedule: SCHEDULE,
});

/** One case per root field of the schema; the test fails when the schema gains a field without a case here. */
const CASES: Record<string, Case> = {
  apiKeys: own('query { apiKeys { id name maskedKey } }'),
  confirmSyncDeletions: refused('syncId'),
  connection: lookup('connectionId', 'id name maskedKey'),
  connections: own('query { connections { id name maskedKey primaryEmail } }'),
  connectors: own('query { connectors { id } }'),
  // B's connection id stands for an id of another organization: no upload of A's.
  fileUpload: lookup('connectionId', 'id name'),
  previewConnectionSettings: custom({
    document:
      'query ($s: JSONObject!) { previewConnectionSettings(connector: "csv", settings: $s) { __typename } }',
    variables: (b) => ({ s: { fileId: b.connectionId } }),
    expect: 'refused',
  }),
  leads: custom({
    document: 'query ($list: ID) { leads(mailingListId: $list) { totalCount edges { node { email } } } }',
    variables: (b) => ({ list: b.mailingListId }),
    expect: 'lookup',
  }),
  leadTimeline: custom({
    document:
      'query ($email: String!) { leadTimeline(email: $email) { lead { email } events { totalCount edges { node { email sync { name } } } } } }',
    variables: (b) => ({ email: b.emails[0] }),
    expect: 'lookup',
  }),
  mailingLists: own('query { mailingLists { id name leadCount } }'),
  organization: own('query { organization { id name } }'),
  sourceFields: onB('query', 'connectionId', 'refused', { arg: 'connectionId', selection: ' { key }' }),
  sourceOrganizations: onB('query', 'connectionId', 'refused', {
    arg: 'connectionId',
    selection: ' { id name }',
  }),
  sync: lookup('syncId', 'id name'),
  syncCostEstimate: lookup('syncId', '__typename'),
  syncRun: lookup('runId', 'id totals { total } records { edges { node { email } } }'),
  syncs: own('query { syncs { id name } }'),
  viewer: own('query { viewer { organizationId } }'),

  activateAllSyncs: refused('connectionId', { arg: 'connectionId' }),
  activateSync: refused('syncId'),
  createApiKey: own('mutation { createApiKey(name: "reliability") { key apiKey { id } } }'),
  createConnection: custom({
    document: 'mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }',
    variables: () => ({
      input: { connector: 'csv', name: 'A file', credentials: {}, settings: { csv: 'email\na@example.com' } },
    }),
    expect: 'own',
  }),
  createMailingList: own('mutation { createMailingList(name: "A list") { id } }'),
  createSync: custom({
    document: 'mutation ($input: CreateSyncInput!) { createSync(input: $input) { id } }',
    variables: (b) => ({ input: stealingSync(b) }),
    expect: 'refused',
  }),
  deactivateSync: refused('syncId'),
  deleteConnection: refusedScalar('connectionId'),
  deleteLeads: onEmailsOfB,
  webhooks: own('query { webhooks { id url secret deliveries { status } } }'),
  createWebhook: own(
    'mutation { createWebhook(url: "http://127.0.0.1:9/hook", events: [RUN_FAILED]) { id secret } }',
  ),
  deleteWebhook: refusedScalar('webhookId'),
  deleteSync: refusedScalar('syncId'),
  initiateSync: refused('syncId'),
  markBounced: onEmailsOfB,
  markDoNotMail: onEmailsOfB,
  previewSync: refused('syncId'),
  renameConnection: refused('connectionId', { args: ', name: "pwned"' }),
  renameSync: refused('syncId', { args: ', name: "pwned"' }),
  revokeApiKey: refusedScalar('apiKeyId'),
  runSyncNow: refused('syncId'),
  undoSyncRun: refused('runId'),
  updateRunRecordRetention: own(
    'mutation { updateRunRecordRetention(days: 400) { id runRecordRetentionDays } }',
  ),
  updateConnectionCredentials: refused('connectionId', {
    args: ', credentials: $c',
    more: {
      declare: '$c: JSONObject!',
      values: () => ({ c: { clientId: 'x', clientSecret: 'y', refreshToken: 'z' } }),
    },
  }),
  updateConnectionSettings: refused('connectionId', {
    args: ', settings: $s',
    more: { declare: '$s: JSONObject!', values: () => ({ s: { dataCenter: 'eu' } }) },
  }),
  updateSyncDeletionCheck: refused('syncId', { args: ', hours: 0' }),
  updateSyncDeletionGuard: refused('syncId', { args: ', percent: 100' }),
  updateSyncDraft: refused('syncId', {
    args: ', input: $input',
    more: { declare: '$input: CreateSyncInput!', values: (b) => ({ input: stealingSync(b) }) },
  }),
  updateSyncMapping: refused('syncId', { args: ', fieldMapping: [{ source: "email", target: "email" }]' }),
  updateSyncPolicy: refused('syncId', { args: ', updatePolicy: NEVER' }),
  updateSyncRetrieval: refused('syncId', {
    args: ', schedule: $s',
    more: {
      declare: '$s: ScheduleInput',
      values: () => ({ s: { ...SCHEDULE, frequency: 'WEEKLY', weekday: 1 } }),
    },
  }),
};

const OPERATIONS: Record<string, Operation> = Object.fromEntries(
  Object.entries(CASES).map(([field, make]) => [field, make(field)]),
);

describe('API security over HTTP against the running product', () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  let product: RunningProduct;
  let sim: ZohoInvoiceSimulator;
  let bKey: string;
  let b: Foreign;
  /** Every answer body the API sent in this file, for the secrets check. */
  const answers: string[] = [];
  const secrets = new Set<string>();

  async function post(body: string, key?: string | null, contentType = 'application/json'): Promise<Answer> {
    const response = await fetch(`${product.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    });
    const text = await response.text();
    answers.push(text);
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  const gql = (
    document: string,
    variables: Record<string, unknown> = {},
    key: string | null = product.adminKey,
  ) => post(JSON.stringify({ query: document, variables }), key);

  async function ok(document: string, variables: Record<string, unknown>, key: string): Promise<Json> {
    const answer = await gql(document, variables, key);
    if (answer.json?.errors?.length || !answer.json?.data) throw new Error(`GraphQL errors: ${answer.text}`);
    return answer.json.data;
  }

  async function waitForRun(runId: string, key: string): Promise<Json> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const data = await ok(
        'query ($id: ID!) { syncRun(id: $id) { id status error totals { total newLeads } } }',
        { id: runId },
        key,
      );
      if (data.syncRun.status === 'SUCCEEDED' || data.syncRun.status === 'FAILED') return data.syncRun;
      if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(data)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** B's state as B sees it: compared before and after A's attempts. */
  async function bState() {
    return ok(
      `query ($sync: ID!, $conn: ID!, $run: ID!) {
        sync(id: $sync) { id name status updatePolicy fieldMapping { source target } schedule { frequency weekday }
          mailingList { id name leadCount } }
        connection(id: $conn) { id name status maskedKey }
        syncRun(id: $run) { id status undoneAt }
        mailingLists { id name leadCount }
        leads(first: 200) { totalCount edges { node { email status } } }
        apiKeys { id revokedAt }
      }`,
      { sync: b.syncId, conn: b.connectionId, run: b.runId },
      bKey,
    );
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    handle = createDatabase(tdb.url, { max: 2 });
    sim = await startZohoInvoiceSimulator({
      seed: 5,
      contactsPerOrganization: 60,
      rateLimit: false,
      tokenMintLimit: false,
    });
    secrets.add(sim.credentials.clientSecret);
    secrets.add(sim.credentials.refreshToken);
    // Only the simulator and the port B's webhook points at (the discard port: nothing listens, nothing is sent).
    product = await startProduct(tdb.url, `${new URL(sim.apiUrl).host},127.0.0.1:9`);

    // Organization B, with a key of its own, sets up a Zoho Invoice sync through the API and runs it.
    const orgB = await createOrganization(handle.db, 'Other Corp');
    bKey = (await new ApiKeyRepository(handle.db, orgB.id).create({ name: 'B admin', role: 'admin' }))
      .plainKey;
    const connection = await ok(
      'mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id maskedKey } }',
      {
        input: {
          connector: 'zoho-invoice',
          name: 'B secret connection',
          credentials: sim.credentials,
          settings: { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl },
        },
      },
      bKey,
    );
    const list = await ok('mutation { createMailingList(name: "B secret list") { id } }', {}, bKey);
    const orgs = await ok(
      'query ($id: ID!) { sourceOrganizations(connectionId: $id) { id } }',
      { id: connection.createConnection.id },
      bKey,
    );
    const sync = await ok(
      'mutation ($input: CreateSyncInput!) { createSync(input: $input) { id } }',
      {
        input: {
          name: 'B secret sync',
          connectionId: connection.createConnection.id,
          sourceOrganizationId: orgs.sourceOrganizations[0].id,
          importMode: 'ALL',
          mailingListId: list.createMailingList.id,
          fieldMapping: [
            { source: 'email', target: 'email' },
            { source: 'first_name', target: 'firstName' },
          ],
          schedule: SCHEDULE,
        },
      },
      bKey,
    );
    await ok('mutation ($id: ID!) { initiateSync(id: $id) { id } }', { id: sync.createSync.id }, bKey);
    const queued = await ok(
      'mutation ($id: ID!) { runSyncNow(id: $id) { id } }',
      { id: sync.createSync.id },
      bKey,
    );
    const run = await waitForRun(queued.runSyncNow.id, bKey);
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    const leads = await ok('query { leads(first: 200) { edges { node { email } } } }', {}, bKey);
    const keys = await ok('query { viewer { apiKeyId } }', {}, bKey);
    const webhook = await ok(
      'mutation { createWebhook(url: "http://127.0.0.1:9/b-hook", events: [RUN_SUCCEEDED]) { id } }',
      {},
      bKey,
    );
    b = {
      connectionId: connection.createConnection.id,
      syncId: sync.createSync.id,
      runId: run.id,
      mailingListId: list.createMailingList.id,
      apiKeyId: keys.viewer.apiKeyId,
      webhookId: webhook.createWebhook.id,
      emails: leads.leads.edges.map((e: Json) => e.node.email),
      sourceOrganizationId: orgs.sourceOrganizations[0].id,
    };
    expect(b.emails.length).toBeGreaterThan(10);
  }, 150_000);

  afterAll(async () => {
    await product?.stop();
    await sim?.close();
    await handle?.close();
    await tdb?.drop();
  });

  it('the cases cover every root field of the schema', async () => {
    const fields = await rootFields();
    expect(fields.query.length + fields.mutation.length).toBeGreaterThan(30);
    expect(Object.keys(OPERATIONS).sort()).toEqual([...fields.query, ...fields.mutation].sort());
  });

  it('every operation without a key, with an unknown key and with a revoked key is UNAUTHENTICATED (401), with no data', async () => {
    const created = await ok(
      'mutation { createApiKey(name: "to revoke", role: ADMIN) { key apiKey { id } } }',
      {},
      product.adminKey,
    );
    const revoked: string = created.createApiKey.key;
    expect((await ok('query { viewer { role } }', {}, revoked)).viewer.role).toBe('ADMIN');
    await ok(
      'mutation ($id: ID!) { revokeApiKey(id: $id) }',
      { id: created.createApiKey.apiKey.id },
      product.adminKey,
    );

    for (const [name, operation] of Object.entries(OPERATIONS)) {
      for (const key of [
        null,
        'lsk_not_a_real_key_000000000000000000',
        revoked,
        `Basic ${bKey}`,
        'x'.repeat(5_000),
      ]) {
        const answer = await gql(operation.document, operation.variables(b), key);
        const label = `${name} with ${key === null ? 'no key' : key === revoked ? 'a revoked key' : 'a bad key'}`;
        expect(answer.status, label).toBe(401);
        expect(answer.json?.errors?.[0]?.extensions?.code, label).toBe('UNAUTHENTICATED');
        expect(answer.json?.data ?? null, label).toBeNull();
      }
    }
  });

  it("every operation with another organization's ids is refused or answers nothing of it, and changes nothing", async () => {
    const before = await bState();
    // What must never show in an answer to A: names and lead emails of B.
    const markers = ['B secret connection', 'B secret list', 'B secret sync', ...b.emails];
    const problems: string[] = [];
    for (const [name, operation] of Object.entries(OPERATIONS)) {
      const answer = await gql(operation.document, operation.variables(b));
      const code = answer.json?.errors?.[0]?.extensions?.code;
      const data = answer.json?.data;
      for (const marker of markers)
        if (answer.text.includes(marker)) problems.push(`${name} shows "${marker}"`);
      if (answer.status >= 500 || code === 'INTERNAL_SERVER_ERROR') problems.push(`${name}: ${answer.text}`);
      switch (operation.expect) {
        case 'lookup': {
          const value = data?.[name];
          const empty =
            value === null ||
            (name === 'leads' && value?.totalCount === 0) ||
            (name === 'leadTimeline' && value?.lead === null && value?.events?.totalCount === 0);
          if (!(empty || code === 'NOT_FOUND')) problems.push(`${name} answered ${answer.text}`);
          break;
        }
        case 'refused':
          if (code !== 'NOT_FOUND' && code !== 'BAD_USER_INPUT')
            problems.push(`${name} was not refused: ${answer.text}`);
          break;
        case 'emails':
          if (data?.[name] !== 0) problems.push(`${name} changed B's leads: ${answer.text}`);
          break;
        case 'own':
          if (answer.json?.errors?.length) problems.push(`${name} failed: ${answer.text}`);
          break;
      }
    }
    expect(problems).toEqual([]);
    const viewer = await ok('query { viewer { organizationId } }', {}, product.adminKey);
    expect(viewer.viewer.organizationId).not.toBe(
      (await ok('query { viewer { organizationId } }', {}, bKey)).viewer.organizationId,
    );
    expect(await bState()).toEqual(before);
  });

  it("the run report download and /metrics hold to the same rules: a key, the caller's own runs, no tenant data", async () => {
    const csv = async (runId: string, key: string | null) => {
      const response = await fetch(`${product.url}/runs/${runId}/records.csv`, {
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
      const text = await response.text();
      answers.push(text);
      return { status: response.status, text };
    };
    const own = await csv(b.runId, bKey);
    expect(own.status).toBe(200);
    expect(own.text.split(/\r?\n/)[0]).toBe('source_id,email,outcome,reason,suggestion');
    expect(own.text).toContain(b.emails[0]);
    for (const [key, status] of [
      [null, 401],
      ['lsk_not_a_real_key_000000000000000000', 401],
      [product.adminKey, 404],
    ] as const) {
      const answer = await csv(b.runId, key);
      expect(answer.status, `records.csv with ${key ?? 'no key'}`).toBe(status);
      for (const email of b.emails) expect(answer.text).not.toContain(email);
    }
    expect((await csv('not-a-uuid', product.adminKey)).status).toBe(404);

    // Operators' metrics are aggregates: no organization, connection, list or lead appears in them.
    const metrics = await fetch(`${product.url}/metrics`);
    const text = await metrics.text();
    if (metrics.status === 200) {
      expect(text).toMatch(/^# (HELP|TYPE) /m);
      for (const marker of [
        'B secret',
        'Other Corp',
        b.connectionId,
        b.syncId,
        b.mailingListId,
        ...b.emails,
      ]) {
        expect(text).not.toContain(marker);
      }
    } else {
      expect(metrics.status).toBe(401);
    }
  });

  it('secrets never come back and are not stored in clear: masked key only, refused or malformed credentials not echoed', async () => {
    const connections = await ok('query { connections { id maskedKey } }', {}, bKey);
    const masked: string | null = connections.connections[0].maskedKey;
    expect(masked === null || masked.replace(/[^A-Za-z0-9]/g, '').length <= 4).toBe(true);

    // A key the source refuses, and credentials of the wrong shape: the errors name the problem, not the values.
    const rejected = await gql(
      'mutation ($id: ID!, $c: JSONObject!) { updateConnectionCredentials(id: $id, credentials: $c) { id } }',
      { id: b.connectionId, c: { ...sim.credentials, refreshToken: `${sim.credentials.refreshToken}x` } },
      bKey,
    );
    expect(rejected.json?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    secrets.add(`${sim.credentials.refreshToken}x`);
    const malformed = await gql(
      'mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }',
      {
        input: {
          connector: 'zoho-invoice',
          name: 'bad',
          credentials: {
            clientId: 42,
            clientSecret: sim.credentials.clientSecret,
            refreshToken: [sim.credentials.refreshToken],
          },
          settings: { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl },
        },
      },
      bKey,
    );
    expect(malformed.json?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // The key is rotated at the source: the next run fails with a sentence for a person, no secret in it.
    const fresh = sim.rotateKey();
    secrets.add(fresh.refreshToken);
    await ok('mutation ($id: ID!) { activateSync(id: $id) { id } }', { id: b.syncId }, bKey).catch(
      () => undefined,
    );
    const queued = await ok('mutation ($id: ID!) { runSyncNow(id: $id) { id } }', { id: b.syncId }, bKey);
    const failed = await waitForRun(queued.runSyncNow.id, bKey);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/key/);

    // At rest: no table of the database holds a secret in plain text (credentials are sealed with the secret key).
    const tables = await handle.sql<{ name: string }[]>`
      select quote_ident(table_name) as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE'`;
    expect(tables.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      for (const { name } of tables) {
        const [row] = await handle.sql.unsafe<{ n: number }[]>(
          `select count(*)::int as n from ${name} t where strpos(t::text, $1) > 0`,
          [secret],
        );
        expect(row?.n, `${name} holds a secret`).toBe(0);
      }
    }

    const everything = answers.join('\n');
    expect(answers.length).toBeGreaterThan(100);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('oversized bodies, batches and deep, wide or costly queries are refused before they run', async () => {
    const big = await post(
      JSON.stringify({ query: '{ viewer { role } }', variables: { pad: 'x'.repeat(11 * 1024 * 1024) } }),
    );
    expect(big.status).toBe(413);

    const batch = await post(
      JSON.stringify([{ query: '{ viewer { role } }' }, { query: '{ viewer { role } }' }]),
      product.adminKey,
    );
    expect(batch.status).toBe(400);

    const refusals: Record<string, string> = {
      // The schema itself has no cycle (at most 6 levels deep); introspection has one:
      // __Type.fields.type.fields… is a cycle: every level multiplies the answer (a classic introspection bomb).
      introspectionCycle: `{ __type(name: "Sync") { ${'fields { type { '.repeat(8)}name${' } }'.repeat(8)} } }`,
      aliases: `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`,
      directives: `{ viewer { role ${'@include(if: true) '.repeat(60)} } }`,
      costly: `{ ${Array.from({ length: 19 }, (_, i) => `s${i}: syncs { runs(first: 100) { edges { node { records(first: 100) { edges { node { sourceId email outcome reason suggestion } } } totals { total newLeads reAdded duplicate ignored deleted } ignoredBreakdown { bounced doNotMail groupEmail fileDuplicate emptyEmail invalidPattern } } } } }`).join(' ')} }`,
    };
    const problems: string[] = [];
    for (const [name, document] of Object.entries(refusals)) {
      const answer = await gql(document);
      const code = answer.json?.errors?.[0]?.extensions?.code;
      if (answer.status !== 400 || code !== 'GRAPHQL_VALIDATION_FAILED')
        problems.push(`${name}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);

    // Page sizes: an absurd one and one above the largest page (500) are bad input before anything runs (issue 17:
    // out-of-bounds numbers are BAD_USER_INPUT), and the largest page is served in pages — never everything at once.
    const { viewer } = await ok('query { viewer { organizationId } }', {}, product.adminKey);
    await handle.sql`
      insert into leads (organization_id, email)
      select ${viewer.organizationId}, 'bulk' || n || '@example.com' from generate_series(1, 600) n`;
    const page = (first: number) =>
      gql(`{ leads(first: ${first}) { totalCount pageInfo { hasNextPage } edges { node { email } } } }`);
    const absurd = await page(1_000_000);
    expect(absurd.status, absurd.text).toBe(400);
    expect(absurd.json?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const large = await page(1_000);
    expect(large.json?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const largest = await page(500);
    expect(largest.json.errors, largest.text).toBeUndefined();
    expect(largest.json.data.leads.totalCount).toBeGreaterThanOrEqual(600);
    expect(largest.json.data.leads.edges).toHaveLength(500);
    expect(largest.json.data.leads.pageInfo.hasNextPage).toBe(true);
  });

  it('a CSV file holding a NUL character is refused as bad input (PostgreSQL jsonb cannot store it), not a 500', async () => {
    const answer = await gql(
      'mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }',
      {
        input: {
          connector: 'csv',
          name: 'nul',
          credentials: {},
          settings: { csv: 'email,name\na@example.com,x\u0000y' },
        },
      },
    );
    expect(answer.status).toBeLessThan(500);
    expect(answer.json?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  // A query of more than 2,000 tokens is refused by the parser before it runs, as a client error (it was a 500 while
  // graphql-armor's token hook did it: README, "Findings").
  it('a query of more than 2,000 tokens is refused before it runs, with a 400', async () => {
    const answer = await gql(`{ viewer { ${'role '.repeat(3_000)} } }`);
    expect(answer.json?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(answer.json?.errors?.[0]?.message).toMatch(/token/i);
    expect(answer.json?.data).toBeUndefined();
    expect(answer.status).toBe(400);
  });

  it("the product's logs hold no secret: no client secret, refresh token, or API key", () => {
    const logs = product.output();
    expect(logs).toMatch(/"level":\d+/);
    // Captured at all (start, runs, token refreshes: about 15 lines; the count moves with what is logged at debug).
    expect(logs.split('\n').length).toBeGreaterThan(10);
    for (const secret of [...secrets, product.adminKey, bKey]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/Zoho-oauthtoken|"access_token"/);
  });
});
