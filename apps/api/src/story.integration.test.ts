import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, ok, startTestApi, type TestApi } from './testing/harness.ts';

/** Issue 6, "the full story over HTTP": a CSV file imported into a list, marked, imported again, shortened. */

const HEADER = 'email,first_name,last_name,company';
const ROWS = {
  ann: 'ann@example.com,Ann,Archer,Acme',
  bob: 'bob@example.com,Bob,Baker,Acme',
  carol: '  Carol@Example.com ,Carol,Cole,Beta',
  empty: ',Nobody,Empty,Void',
  typo: 'john@gnail.com,John,Typo,Void',
  syntax: 'not-an-email,Bad,Syntax,Void',
  group: 'info@example.com,Info,Desk,Void',
  again: 'ANN@example.com,Ann,Again,Acme',
  dave: 'dave@example.com,Dave,Doe,Delta',
  erin: 'erin@example.com,Erin,Eve,Echo',
};
const csvOf = (rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

/**
 * What the file itself has ignored on every run: the info@ address, the second Ann, the row with no address, the
 * typo and the malformed address. The marks add `bounced` and `doNotMail` from the second run on.
 */
const FILE_IGNORED = { groupEmail: 1, fileDuplicate: 1, emptyEmail: 1, invalidPattern: 2 };

const RUN_FIELDS = `
  id status error dryRun
  totals { total newLeads reAdded duplicate ignored deleted }
  ignoredBreakdown { bounced doNotMail groupEmail fileDuplicate emptyEmail invalidPattern }
  progress { read processed }
`;

describe('the CSV story over HTTP', () => {
  let api: TestApi;
  let listId: string;
  let connectionId: string;
  let syncId: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function runAndWait() {
    const queued = ok(
      await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id status } }`, { id: syncId }),
    );
    expect(queued.runSyncNow.status).toMatch(/QUEUED|RUNNING/);
    const runId: string = queued.runSyncNow.id;
    runIds.push(runId);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { syncRun } = ok(
        await api.gql(`query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: runId }),
      );
      if (syncRun.status === 'SUCCEEDED' || syncRun.status === 'FAILED') return syncRun;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${syncRun.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function recordsOf(runId: string) {
    const { syncRun } = ok(
      await api.gql(
        `query($id: ID!) { syncRun(id: $id) { records(first: 100) { totalCount edges { node { sourceId email outcome reason suggestion } } } } }`,
        { id: runId },
      ),
    );
    return syncRun.records.edges.map((edge: { node: Record<string, string | null> }) => edge.node);
  }

  async function leadsByEmail() {
    const { leads } = ok(
      await api.gql(`{ leads(first: 100) { totalCount edges { node { email status firstName fields } } } }`),
    );
    return new Map<string, { status: string; firstName: string | null; fields: Record<string, unknown> }>(
      leads.edges.map((edge: { node: { email: string } }) => [edge.node.email, edge.node]),
    );
  }

  async function listMembers() {
    const { leads } = ok(
      await api.gql(
        `query($list: ID!) { leads(mailingListId: $list, first: 100) { edges { node { email } } } }`,
        {
          list: listId,
        },
      ),
    );
    return leads.edges.map((edge: { node: { email: string } }) => edge.node.email).sort();
  }

  it('creates a list, a CSV connection and a DRAFT sync with a mapping, then initiates it', async () => {
    listId = ok(await api.gql(`mutation { createMailingList(name: "Customers") { id name leadCount } }`))
      .createMailingList.id;
    const connection = ok(
      await api.gql(
        `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id connector status maskedKey } }`,
        {
          input: {
            connector: 'csv',
            name: 'Spring fair',
            credentials: {},
            settings: { csv: csvOf(Object.values(ROWS)) },
          },
        },
      ),
    ).createConnection;
    expect(connection).toMatchObject({ connector: 'csv', status: 'ACTIVE', maskedKey: null });
    connectionId = connection.id;

    const { sourceOrganizations, sourceFields } = ok(
      await api.gql(
        `query($id: ID!) { sourceOrganizations(connectionId: $id) { id name } sourceFields(connectionId: $id) { key } }`,
        { id: connectionId },
      ),
    );
    expect(sourceOrganizations.map((o: { id: string }) => o.id)).toEqual(['file']);
    expect(sourceFields.map((f: { key: string }) => f.key)).toEqual([
      'email',
      'first_name',
      'last_name',
      'company',
    ]);

    const created = ok(
      await api.gql(
        `mutation($input: CreateSyncInput!) { createSync(input: $input) { id status importMode updatePolicy
          fieldMapping { source target } mailingList { id name } connection { id } lastRun { id } } }`,
        {
          input: {
            name: 'Fair leads',
            connectionId,
            sourceOrganizationId: 'file',
            importMode: 'ALL',
            mailingListId: listId,
            fieldMapping: [
              { source: 'email', target: 'email' },
              { source: 'first_name', target: 'firstName' },
              { source: 'last_name', target: 'lastName' },
              { source: 'company', target: 'fields.company' },
            ],
            schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'Europe/Berlin' },
          },
        },
      ),
    ).createSync;
    expect(created).toMatchObject({
      status: 'DRAFT',
      importMode: 'ALL',
      updatePolicy: 'OVERWRITE',
      mailingList: { id: listId, name: 'Customers' },
      connection: { id: connectionId },
      lastRun: null,
    });
    syncId = created.id;

    const initiated = ok(
      await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { status } }`, { id: syncId }),
    );
    expect(initiated.initiateSync.status).toBe('ACTIVE');
    expect(api.scheduler.calls).toContain(`schedule:${syncId}`);
  });

  it('first run: every rule of DESIGN.md section 2 that applies to a fresh list, with totals that add up', async () => {
    const run = await runAndWait();
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      error: null,
      dryRun: false,
      totals: { total: 10, newLeads: 5, reAdded: 0, duplicate: 0, ignored: 5, deleted: 0 },
      ignoredBreakdown: { bounced: 0, doNotMail: 0, ...FILE_IGNORED },
      progress: { read: 10, processed: 10 },
    });
    const records = await recordsOf(run.id);
    const byEmail = new Map(records.map((r: { email: string | null }) => [r.email, r]));
    expect(byEmail.get('carol@example.com')).toMatchObject({ outcome: 'NEW' });
    expect(records.find((r: { reason: string }) => r.reason === 'EMPTY_EMAIL')).toBeDefined();
    expect(
      records.find((r: { suggestion: string | null }) => r.suggestion === 'john@gmail.com'),
    ).toMatchObject({
      outcome: 'IGNORED',
      reason: 'INVALID_PATTERN',
    });
    expect(records.filter((r: { reason: string }) => r.reason === 'FILE_DUPLICATE')).toHaveLength(1);
    expect(await listMembers()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
      'erin@example.com',
    ]);
    const leads = await leadsByEmail();
    expect(leads.get('ann@example.com')).toMatchObject({
      status: 'ACTIVE',
      firstName: 'Ann',
      fields: { company: 'Acme' },
    });

    const { mailingLists } = ok(await api.gql(`{ mailingLists { id leadCount } }`));
    expect(mailingLists).toEqual([{ id: listId, leadCount: 5 }]);
  });

  it('records can be filtered by outcome and reason, and paged with cursors', async () => {
    const runId = runIds[0];
    const ignored = ok(
      await api.gql(
        `query($id: ID!) { syncRun(id: $id) { records(outcome: IGNORED, reason: INVALID_PATTERN) { totalCount edges { node { email } } } } }`,
        { id: runId },
      ),
    ).syncRun.records;
    expect(ignored.totalCount).toBe(2);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result: { syncRun: { records: Json } } = ok(
        await api.gql(
          `query($id: ID!, $after: String) { syncRun(id: $id) { records(first: 3, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { cursor node { sourceId } } } } }`,
          { id: runId, after },
        ),
      );
      const records = result.syncRun.records;
      expect(records.totalCount).toBe(10);
      seen.push(...records.edges.map((edge: { node: { sourceId: string } }) => edge.node.sourceId));
      if (!records.pageInfo.hasNextPage) break;
      after = records.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
  });

  it('marks bounced and do-not-mail and deletes, case-insensitively, returning how many changed', async () => {
    const bounced = ok(
      await api.gql(`mutation { markBounced(emails: ["BOB@example.com", "nobody@example.com"]) }`),
    );
    expect(bounced.markBounced).toBe(1);
    expect(ok(await api.gql(`mutation { markBounced(emails: ["bob@example.com"]) }`)).markBounced).toBe(0);
    expect(ok(await api.gql(`mutation { markDoNotMail(emails: ["Dave@Example.com"]) }`)).markDoNotMail).toBe(
      1,
    );
    expect(ok(await api.gql(`mutation { deleteLeads(emails: ["erin@example.com"]) }`)).deleteLeads).toBe(1);
    const leads = await leadsByEmail();
    expect(leads.get('bob@example.com')?.status).toBe('BOUNCED');
    expect(leads.get('dave@example.com')?.status).toBe('DO_NOT_MAIL');
    expect(leads.get('erin@example.com')?.status).toBe('DELETED');
    expect(await listMembers()).not.toContain('erin@example.com');
    const onlyBounced = ok(
      await api.gql(`{ leads(status: BOUNCED) { totalCount edges { node { email } } } }`),
    ).leads;
    expect(onlyBounced.totalCount).toBe(1);
    const search = ok(await api.gql(`{ leads(search: "cole") { edges { node { email } } } }`)).leads;
    expect(search.edges.map((e: { node: { email: string } }) => e.node.email)).toEqual(['carol@example.com']);
  });

  it('second run over the same file: no new leads; bounced, do-not-mail and re-added as marked', async () => {
    const run = await runAndWait();
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      totals: { total: 10, newLeads: 0, reAdded: 1, duplicate: 2, ignored: 7, deleted: 0 },
      ignoredBreakdown: { bounced: 1, doNotMail: 1, ...FILE_IGNORED },
    });
    // First record per email: the file's second Ann is a FILE_DUPLICATE.
    const records = (await recordsOf(run.id)).reverse();
    const byEmail = new Map(records.map((r: { email: string | null }) => [r.email, r]));
    expect(byEmail.get('erin@example.com')).toMatchObject({ outcome: 'RE_ADDED' });
    expect(byEmail.get('bob@example.com')).toMatchObject({ outcome: 'IGNORED', reason: 'BOUNCED' });
    expect(byEmail.get('dave@example.com')).toMatchObject({ outcome: 'IGNORED', reason: 'DO_NOT_MAIL' });
    expect(byEmail.get('ann@example.com')).toMatchObject({ outcome: 'DUPLICATE' });
    expect((await leadsByEmail()).get('erin@example.com')?.status).toBe('ACTIVE');
    expect(await listMembers()).toContain('erin@example.com');
  });

  it('third run after a row left the file: that lead is DELETED from the list and soft-deleted', async () => {
    const shorter = Object.entries(ROWS)
      .filter(([name]) => name !== 'carol')
      .map(([, row]) => row);
    const updated = ok(
      await api.gql(
        `mutation($id: ID!, $settings: JSONObject!) { updateConnectionSettings(id: $id, settings: $settings) { id status } }`,
        {
          id: connectionId,
          settings: { csv: csvOf(shorter) },
        },
      ),
    );
    expect(updated.updateConnectionSettings.status).toBe('ACTIVE');
    const run = await runAndWait();
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      totals: { total: 9, newLeads: 0, reAdded: 0, duplicate: 2, ignored: 7, deleted: 1 },
      ignoredBreakdown: { bounced: 1, doNotMail: 1, ...FILE_IGNORED },
    });
    const deleted = (await recordsOf(run.id)).filter((r: { outcome: string }) => r.outcome === 'DELETED');
    expect(deleted.map((r: { email: string }) => r.email)).toEqual(['carol@example.com']);
    expect(await listMembers()).not.toContain('carol@example.com');
    expect((await leadsByEmail()).get('carol@example.com')?.status).toBe('DELETED');
  });

  it('lists the runs newest first with the last run on the sync, without previews', async () => {
    const { sync } = ok(
      await api.gql(
        `query($id: ID!) { sync(id: $id) { lastRun { id } runs(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`,
        { id: syncId },
      ),
    );
    expect(sync.lastRun.id).toBe(runIds[2]);
    expect(sync.runs.totalCount).toBe(3);
    expect(sync.runs.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([runIds[2], runIds[1]]);
    const rest = ok(
      await api.gql(
        `query($id: ID!, $after: String) { sync(id: $id) { runs(first: 2, after: $after) { pageInfo { hasNextPage } edges { node { id } } } } }`,
        {
          id: syncId,
          after: sync.runs.pageInfo.endCursor,
        },
      ),
    );
    expect(rest.sync.runs.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([runIds[0]]);
    expect(rest.sync.runs.pageInfo.hasNextPage).toBe(false);
  });

  it('streams a run report as RFC 4180 CSV with a header row; another organization gets 404, no key 401', async () => {
    const runId = runIds[0];
    const response = await fetch(`${api.url}/runs/${runId}/records.csv`, {
      headers: { authorization: `Bearer ${api.key}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await response.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('source_id,email,outcome,reason,suggestion');
    expect(lines).toHaveLength(12); // header, 10 records, and the empty string after the last CRLF
    expect(lines.at(-1)).toBe('');
    expect(lines.some((line) => /,john@gnail\.com,ignored,invalid_pattern,john@gmail\.com$/.test(line))).toBe(
      true,
    );

    const other = await api.newOrganization('Other');
    const foreign = await fetch(`${api.url}/runs/${runId}/records.csv`, {
      headers: { authorization: `Bearer ${other.key}` },
    });
    expect(foreign.status).toBe(404);
    const anonymous = await fetch(`${api.url}/runs/${runId}/records.csv`);
    expect(anonymous.status).toBe(401);
  });
});
