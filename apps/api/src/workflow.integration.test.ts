import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestApi, type TestApi } from './testing/harness.ts';

// Issue 19, "The sync workflow as a marketer expects it": the GraphQL side of each point.

const CSV = ['email,first_name', 'a@example.com,Ann', 'b@example.com,Bob'].join('\n');
const MAPPING = [{ source: 'email', target: 'email' }];

describe('the sync workflow', () => {
  let api: TestApi;
  let csvConnectionId: string;

  async function newList(name: string): Promise<string> {
    return ok(await api.gql(`mutation($n: String!) { createMailingList(name: $n) { id } }`, { n: name }))
      .createMailingList.id;
  }

  async function leadCount(listId: string): Promise<number> {
    return ok(await api.gql(`query($l: ID!) { leads(mailingListId: $l) { totalCount } }`, { l: listId }))
      .leads.totalCount;
  }

  async function csvSync(schedule: Record<string, unknown>, listId: string): Promise<string> {
    return ok(
      await api.gql(`mutation($input: CreateSyncInput!) { createSync(input: $input) { id status } }`, {
        input: {
          name: 'Workflow',
          connectionId: csvConnectionId,
          sourceOrganizationId: 'file',
          importMode: 'ALL',
          mailingListId: listId,
          fieldMapping: MAPPING,
          schedule,
        },
      }),
    ).createSync.id;
  }

  const INITIATE = `mutation($id: ID!) { initiateSync(id: $id) { status nextRunAt lastRun { status trigger } } }`;

  beforeAll(async () => {
    api = await startTestApi();
    csvConnectionId = ok(
      await api.gql(`mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }`, {
        input: { connector: 'csv', name: 'File', credentials: {}, settings: { csv: CSV } },
      }),
    ).createConnection.id;
  });
  afterAll(async () => {
    await api?.close();
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
});
