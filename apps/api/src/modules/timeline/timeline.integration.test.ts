import { pruneExpiredRunRecords } from '@leadsync/db/repositories';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvSync } from '../../testing/fixtures.ts';
import { codeOf, type Json, startTestApi, type TestApi } from '../../testing/harness.ts';

let api: TestApi;
let gql: (query: string, variables?: Record<string, unknown>, key?: string | null) => Promise<Json>;

beforeAll(async () => {
  api = await startTestApi();
  gql = api.data;
});
afterAll(() => api?.close());

const TIMELINE = `query($email: String!, $first: Int, $after: String) {
  leadTimeline(email: $email, first: $first, after: $after) {
    email
    lead { email status }
    lists { mailingList { name } addedBy { name } }
    createdBy { sync { name } runId apiKeyName }
    events {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { kind at sync { name } runId runNumber outcome reason suggestion email fromStatus toStatus
                     mailingList { name } apiKeyName } }
    }
  }
}`;

async function timeline(email: string, extra: Record<string, unknown> = {}, key?: string) {
  return (await gql(TIMELINE, { email, ...extra }, key)).leadTimeline;
}

/** A CSV sync into a new list (`<name> list`), from a connection `<name> file`. */
const csvSync = (name: string, csv: string) => createCsvSync(gql, { name, csv });

/** Runs the sync (the first time by initiating it) and returns the run's id once it has succeeded. */
async function runNow(sync: string): Promise<string> {
  const { status } = (await gql(`query($id: ID!) { sync(id: $id) { status } }`, { id: sync })).sync;
  if (status === 'DRAFT') await gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: sync });
  else await gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: sync });
  await api.scheduler.idle();
  const run = (await gql(`query($id: ID!) { sync(id: $id) { lastRun { id status } } }`, { id: sync })).sync
    .lastRun;
  expect(run.status).toBe('SUCCEEDED');
  return run.id;
}

const kinds = (t: Json) => t.events.edges.map((e: Json) => e.node.kind);

describe('leadTimeline', () => {
  let sync: string;
  let firstRun: string;

  beforeAll(async () => {
    const csv = [
      'email',
      'Ann@Example.com',
      'info@example.com',
      'ann@example.com',
      '  John@Gnail.com ',
      'Not An Address',
    ].join('\n');
    ({ sync } = await csvSync('Zoho customers', `${csv}\n`));
    firstRun = await runNow(sync);
  });

  it("finds a lead's story case-insensitively: its run record, lists and the sync that created it", async () => {
    const t = await timeline('  ANN@example.COM ');
    expect(t.email).toBe('ann@example.com');
    expect(t.lead).toEqual({ email: 'ann@example.com', status: 'ACTIVE' });
    expect(t.lists).toEqual([
      { mailingList: { name: 'Zoho customers list' }, addedBy: { name: 'Zoho customers' } },
    ]);
    expect(t.createdBy).toEqual({ sync: { name: 'Zoho customers' }, runId: firstRun, apiKeyName: null });
    const nodes = t.events.edges.map((e: Json) => e.node);
    expect(nodes.map((n: Json) => [n.kind, n.outcome, n.reason, n.runId, n.runNumber])).toEqual([
      ['RUN_RECORD', 'IGNORED', 'FILE_DUPLICATE', firstRun, 1],
      ['RUN_RECORD', 'NEW', null, firstRun, 1],
    ]);
    expect(nodes[0].sync).toEqual({ name: 'Zoho customers' });
  });

  it('finds addresses the classifier ignored, which have no lead: group and invalid (as the source wrote it)', async () => {
    const group = await timeline('INFO@example.com');
    expect(group.lead).toBeNull();
    expect(group.createdBy).toBeNull();
    expect(group.events.edges.map((e: Json) => [e.node.outcome, e.node.reason, e.node.email])).toEqual([
      ['IGNORED', 'GROUP_EMAIL', 'info@example.com'],
    ]);

    const typo = await timeline('john@gnail.com');
    expect(typo.events.edges.map((e: Json) => [e.node.reason, e.node.suggestion])).toEqual([
      ['INVALID_PATTERN', 'john@gmail.com'],
    ]);
    const invalid = await timeline('not an address');
    expect(invalid.events.edges.map((e: Json) => [e.node.reason, e.node.email])).toEqual([
      ['INVALID_PATTERN', 'Not An Address'],
    ]);
  });

  it('an address nobody has met: no lead, no events', async () => {
    const t = await timeline('nobody@example.com');
    expect(t).toMatchObject({ lead: null, lists: [], createdBy: null, events: { totalCount: 0, edges: [] } });
  });

  it("records status changes and memberships removed by the API, with the key's name, and undos", async () => {
    const { sync: second } = await csvSync('Second', 'email\nbea@example.com\n');
    await runNow(second);
    expect((await gql(`mutation { markDoNotMail(emails: ["BEA@example.com"]) }`)).markDoNotMail).toBe(1);
    expect((await gql(`mutation { markBounced(emails: ["bea@example.com"]) }`)).markBounced).toBe(1);
    expect((await gql(`mutation { deleteLeads(emails: ["bea@example.com"]) }`)).deleteLeads).toBe(1);

    const t = await timeline('bea@example.com');
    expect(t.lead.status).toBe('DELETED');
    expect(t.lists).toEqual([]);
    const nodes = t.events.edges.map((e: Json) => e.node);
    const described = nodes.map((n: Json) => [n.kind, n.fromStatus, n.toStatus, n.mailingList?.name ?? null]);
    // The deletion's two events are of one statement, at one time: in either order.
    expect(described.slice(0, 2)).toEqual(
      expect.arrayContaining([
        ['MEMBERSHIP_REMOVED', null, null, 'Second list'],
        ['STATUS_CHANGED', 'BOUNCED', 'DELETED', null],
      ]),
    );
    expect(described.slice(2)).toEqual([
      ['STATUS_CHANGED', 'DO_NOT_MAIL', 'BOUNCED', null],
      ['STATUS_CHANGED', 'ACTIVE', 'DO_NOT_MAIL', null],
      ['RUN_RECORD', null, null, null],
    ]);
    expect(nodes.slice(0, 4).map((n: Json) => n.apiKeyName)).toEqual(Array(4).fill('admin key'));

    // An undo: the run that re-adds the lead, undone.
    const run = await runNow(second);
    await gql(`mutation($id: ID!) { undoSyncRun(id: $id) { id } }`, { id: run });
    const after = await timeline('bea@example.com');
    expect(kinds(after).slice(0, 2)).toEqual(['UNDO', 'RUN_RECORD']);
    expect(after.events.edges[0].node).toMatchObject({ runId: run, runNumber: 2, outcome: 'RE_ADDED' });
    expect(after.lead.status).toBe('DELETED');
  });

  it('pages newest first with a cursor, the pages adding up to the whole', async () => {
    const whole = await timeline('bea@example.com', { first: 50 });
    const seen: Json[] = [];
    let after: string | null = null;
    do {
      const page: Json = await timeline('bea@example.com', { first: 2, after });
      expect(page.events.edges.length).toBeLessThanOrEqual(2);
      expect(page.events.totalCount).toBe(whole.events.totalCount);
      seen.push(...page.events.edges.map((e: Json) => e.node));
      after = page.events.pageInfo.hasNextPage ? page.events.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(whole.events.edges.map((e: Json) => e.node));
    expect(seen.length).toBe(7);
  });

  it("another organization's address is not found", async () => {
    const other = await api.newOrganization('Other');
    const t = await timeline('ann@example.com', {}, other.key);
    expect(t).toMatchObject({ lead: null, lists: [], createdBy: null, events: { totalCount: 0, edges: [] } });
  });

  it('bounds its input: an over-long or empty address, a huge page, a forged cursor', async () => {
    const long = await api.gql(TIMELINE, { email: `${'a'.repeat(320)}@example.com` });
    expect(codeOf(long)).toBe('BAD_USER_INPUT');
    expect(codeOf(await api.gql(TIMELINE, { email: '  ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await api.gql(TIMELINE, { email: 'ann@example.com', first: 100_000 }))).toBe(
      'BAD_USER_INPUT',
    );
    const forged = Buffer.from(JSON.stringify({ t: "x' or 1=1", k: 'a' })).toString('base64url');
    expect(codeOf(await api.gql(TIMELINE, { email: 'ann@example.com', after: forged }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('needs a key', async () => {
    expect(codeOf(await api.gql(TIMELINE, { email: 'ann@example.com' }, null))).toBe('UNAUTHENTICATED');
  });
});

describe('run history retention', () => {
  it('is 400 days unless an admin sets it (1 to 36500); a member key may not', async () => {
    const org = await api.newOrganization('Retention');
    const read = `{ organization { runRecordRetentionDays runRecordsPrunedBefore } }`;
    expect((await gql(read, {}, org.key)).organization).toEqual({
      runRecordRetentionDays: 400,
      runRecordsPrunedBefore: null,
    });
    const set = `mutation($d: Int!) { updateRunRecordRetention(days: $d) { runRecordRetentionDays } }`;
    expect((await gql(set, { d: 30 }, org.key)).updateRunRecordRetention.runRecordRetentionDays).toBe(30);
    for (const d of [0, 36_501]) expect(codeOf(await api.gql(set, { d }, org.key))).toBe('BAD_USER_INPUT');
    const member = await api.newKey(org.id, 'member');
    expect(codeOf(await api.gql(set, { d: 10 }, member))).toBe('FORBIDDEN');
  });

  it("after pruning, a person's timeline says from when history was pruned and shows only what is left", async () => {
    const org = await api.newOrganization('Pruned');
    const as = (query: string, variables?: Record<string, unknown>) => gql(query, variables, org.key);
    await as(`mutation { updateRunRecordRetention(days: 1) { id } }`);
    const { sync } = await createCsvSync(as, { name: 'Old sync', csv: 'email\nold@example.com\n' });
    await as(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: sync });
    await api.scheduler.idle();
    const before = (await gql(TIMELINE, { email: 'old@example.com' }, org.key)).leadTimeline;
    expect(before.events.totalCount).toBe(1);

    const now = new Date(Date.now() + 2 * 86_400_000);
    const pruned = await pruneExpiredRunRecords(api.db, { now });
    expect(pruned.runs).toBeGreaterThanOrEqual(1);

    const story = (
      await gql(
        `query($e: String!) { leadTimeline(email: $e) { lead { status } historyPrunedBefore events { totalCount } } }`,
        { e: 'old@example.com' },
        org.key,
      )
    ).leadTimeline;
    expect(story.lead.status).toBe('ACTIVE');
    expect(story.events.totalCount).toBe(0);
    expect(new Date(story.historyPrunedBefore).getTime()).toBe(now.getTime() - 86_400_000);
    const run = (
      await as(`query($id: ID!) { sync(id: $id) { lastRun { totals { total newLeads } } } }`, { id: sync })
    ).sync.lastRun;
    expect(run.totals).toEqual({ total: 1, newLeads: 1 });
  });
});
