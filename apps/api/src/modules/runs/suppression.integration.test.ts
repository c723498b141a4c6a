import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, ok, startTestApi, type TestApi } from '../../testing/harness.ts';

const MAPPING = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
];
const SCHEDULE = { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' };
const csv = (emails: string[]) => ['email,first_name', ...emails.map((e) => `${e},X`)].join('\n');
const RUN = `id status heldDeletions warning totals { newLeads deleted }
  undoReport { reversed kept keptByReason { reason count } keptLeads { email reason } }`;

/**
 * Issue 17, section 1, through the GraphQL API: the undo report, the mass-deletion guard and its confirmation; and
 * (issue 24) the records a run skipped because the source could not read them.
 */
describe('suppression and deletions through the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function csvSync(name: string, emails: string[]) {
    const list = ok(
      await api.gql(`mutation($n: String!) { createMailingList(name: $n) { id } }`, { n: name }),
    ).createMailingList.id;
    const connection = ok(
      await api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
        input: { connector: 'csv', name, credentials: {}, settings: { csv: csv(emails) } },
      }),
    ).createConnection.id;
    const sync = ok(
      await api.gql(
        `mutation($input: CreateSyncInput!) { createSync(input: $input) { id deletionGuardPercent } }`,
        {
          input: {
            name,
            connectionId: connection,
            sourceOrganizationId: 'file',
            importMode: 'ALL',
            mailingListId: list,
            fieldMapping: MAPPING,
            schedule: SCHEDULE,
          },
        },
      ),
    ).createSync;
    expect(sync.deletionGuardPercent).toBe(50);
    // Initiating starts the first import at once.
    const first = ok(
      await api.gql(`mutation($id: ID!) { initiateSync(id: $id) { lastRun { id } } }`, { id: sync.id }),
    ).initiateSync.lastRun.id;
    return { list, connection, id: sync.id as string, first: await runOf(first) };
  }

  async function runOf(id: string) {
    await api.scheduler.idle();
    return ok(await api.gql(`query($id: ID!) { syncRun(id: $id) { ${RUN} } }`, { id })).syncRun;
  }

  async function runNow(syncId: string) {
    const id = ok(await api.gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: syncId }))
      .runSyncNow.id;
    return runOf(id);
  }

  it('undoSyncRun keeps a lead bounced after the run, and says so', async () => {
    const { first: run } = await csvSync('Undo report', ['kay@undo.example.com', 'lee@undo.example.com']);
    expect(run.totals.newLeads).toBe(2);
    ok(await api.gql(`mutation { markBounced(emails: ["kay@undo.example.com"]) }`));
    const undone = ok(
      await api.gql(`mutation($id: ID!) { undoSyncRun(id: $id) { ${RUN} } }`, { id: run.id }),
    ).undoSyncRun;
    expect(undone.undoReport).toEqual({
      reversed: 1,
      kept: 1,
      keptByReason: [{ reason: 'SUPPRESSED', count: 1 }],
      keptLeads: [{ email: 'kay@undo.example.com', reason: 'SUPPRESSED' }],
    });
    const kay = ok(await api.gql(`{ leads(search: "kay@undo") { edges { node { status } } } }`)).leads.edges;
    expect(kay).toEqual([{ node: { status: 'BOUNCED' } }]);
  });

  it('holds a mass deletion with a warning until confirmSyncDeletions; the share is set per sync', async () => {
    const emails = ['a', 'b', 'c', 'd'].map((n) => `${n}@guard.example.com`);
    const { id, connection } = await csvSync('Guarded', emails);
    ok(
      await api.gql(
        `mutation($id: ID!, $s: JSONObject!) { updateConnectionSettings(id: $id, settings: $s) { id } }`,
        {
          id: connection,
          s: { csv: csv(emails.slice(0, 1)) },
        },
      ),
    );
    const held = await runNow(id);
    expect(held).toMatchObject({ status: 'SUCCEEDED', heldDeletions: 3, totals: { deleted: 0 } });
    expect(held.warning).toMatch(/3 of the 4 records/);

    const invalid = await api.gql(
      `mutation($id: ID!) { updateSyncDeletionGuard(id: $id, percent: 101) { id } }`,
      {
        id,
      },
    );
    expect(codeOf(invalid)).toBe('BAD_USER_INPUT');
    const raised = ok(
      await api.gql(
        `mutation($id: ID!) { updateSyncDeletionGuard(id: $id, percent: 60) { deletionGuardPercent } }`,
        {
          id,
        },
      ),
    ).updateSyncDeletionGuard;
    expect(raised.deletionGuardPercent).toBe(60);
    expect((await runNow(id)).heldDeletions).toBe(3);

    const confirmed = ok(
      await api.gql(`mutation($id: ID!) { confirmSyncDeletions(id: $id) { deletionsConfirmed } }`, { id }),
    ).confirmSyncDeletions;
    expect(confirmed.deletionsConfirmed).toBe(true);
    const deleting = await runNow(id);
    expect(deleting).toMatchObject({ heldDeletions: 0, warning: null, totals: { deleted: 3 } });
    const after = ok(await api.gql(`query($id: ID!) { sync(id: $id) { deletionsConfirmed } }`, { id })).sync;
    expect(after.deletionsConfirmed).toBe(false);
  });

  it("issue 24: a CSV file's malformed lines are on the run (rejectedCount, rejections by line); the rest is imported", async () => {
    const emails = Array.from({ length: 300 }, (_, i) => `p${i}@rejects.example.com`);
    // Lines 121 and 251 (the header is line 1): a quote never closed, and one value too many.
    emails[119] = 'bad@rejects.example.com,"Never closed';
    emails[249] = 'q249@rejects.example.com,Surplus';
    const { first } = await csvSync('Rejections', emails);
    const run = ok(
      await api.gql(
        `query($id: ID!) { syncRun(id: $id) { status rejectedCount rejections totals { newLeads } } }`,
        {
          id: first.id,
        },
      ),
    ).syncRun;
    expect(run).toEqual({
      status: 'SUCCEEDED',
      rejectedCount: 2,
      rejections: [
        'The row on line 121 is not valid CSV: a quote is never closed.',
        'The row on line 251 has 3 values but the header has 2 columns.',
      ],
      totals: { newLeads: 298 },
    });
  });
});
