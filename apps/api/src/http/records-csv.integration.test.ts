import {
  ConnectionRepository,
  MailingListRepository,
  RunRecordRepository,
  SyncRepository,
  SyncRunRepository,
} from '@leadsync/db/repositories';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/harness.ts';

describe('GET /runs/:id/records.csv', () => {
  let api: TestApi;
  let runId: string;
  const RECORDS = 5_123;

  beforeAll(async () => {
    api = await startTestApi();
    const org = api.organizationId;
    const connection = await new ConnectionRepository(api.db, org).create({
      connectorId: 'csv',
      name: 'f',
      credentialsEncrypted: 'x',
    });
    const list = await new MailingListRepository(api.db, org).create('L');
    const sync = await new SyncRepository(api.db, org).create({
      name: 's',
      connectionId: connection.id,
      sourceOrganizationId: 'file',
      importMode: 'all',
      mailingListId: list.id,
      fieldMapping: [{ source: 'email', target: 'email' }],
      schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
    });
    const { run } = await new SyncRunRepository(api.db, org).createQueued({
      syncId: sync.id,
      trigger: 'manual',
    });
    runId = run.id;
    await new RunRecordRepository(api.db, org).insertMany(
      run.id,
      Array.from({ length: RECORDS }, (_, seq) => ({
        seq,
        sourceId: `row ${seq}, "quoted"`,
        email: seq % 10 === 0 ? null : `person${seq}@example.com`,
        outcome: seq % 10 === 0 ? ('ignored' as const) : ('new' as const),
        reason: seq % 10 === 0 ? ('empty_email' as const) : null,
      })),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it('streams every record, batch after batch, in source order', async () => {
    const response = await fetch(`${api.url}/runs/${runId}/records.csv`, {
      headers: { authorization: `Bearer ${api.key}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="run-${runId}-records.csv"`,
    );
    const lines = (await response.text()).split('\r\n');
    expect(lines.shift()).toBe('source_id,email,outcome,reason,suggestion');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(RECORDS);
    expect(lines[0]).toBe('"row 0, ""quoted""",,ignored,empty_email,');
    expect(lines[4_321]).toBe('"row 4321, ""quoted""",person4321@example.com,new,,');
    expect(lines.at(-1)).toBe(`"row ${RECORDS - 1}, ""quoted""",person${RECORDS - 1}@example.com,new,,`);
  });

  it('answers 404 for an unknown or malformed run id and 401 for a revoked key', async () => {
    const auth = { headers: { authorization: `Bearer ${api.key}` } };
    expect(
      (await fetch(`${api.url}/runs/00000000-0000-0000-0000-000000000000/records.csv`, auth)).status,
    ).toBe(404);
    expect((await fetch(`${api.url}/runs/not-a-uuid/records.csv`, auth)).status).toBe(404);
    const bad = await fetch(`${api.url}/runs/${runId}/records.csv`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer');
  });
});
