/**
 * `pnpm bench` (issue 23): `leadTimeline` for random addresses in an organization with 5,000,000 run records over 200
 * runs (10 syncs of 20 runs), generated with SQL generate_series (not through the engine). Addresses: 250,000 leads,
 * each met by about 20 runs (mostly `duplicate`, some `new`), plus group, invalid and file-duplicate records that name
 * no lead; asked for: present leads, ignored addresses, and absent ones, one request at a time over loopback HTTP.
 * Prints one JSON line `{"bench":"lead.timeline","value":<p99 ms>,"unit":"ms",...}` (target: p99 < 50 ms).
 * BENCH_TIMELINE_RECORDS changes the number of records (default 5,000,000).
 *
 * PostgreSQL: `TEST_DATABASE_URL` or `DATABASE_URL` (a throwaway database is created and dropped there), else an
 * embedded server in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDatabase, SecretBox } from '@leadsync/db';
import {
  ConnectionRepository,
  createOrganization,
  LeadTimelineRepository,
  MailingListRepository,
} from '@leadsync/db/repositories';
import pino from 'pino';
import postgres from 'postgres';
import * as setup from './setup.ts';

const RECORDS = Number(process.env.BENCH_TIMELINE_RECORDS ?? 5_000_000);
const SYNCS = 10;
const RUNS = 200;
const PER_RUN = Math.ceil(RECORDS / RUNS);
const LEADS = 250_000;
const REQUESTS = Number(process.env.BENCH_TIMELINE_REQUESTS ?? 1_500);

const QUERY = `query($email: String!) { leadTimeline(email: $email, first: 50) {
  email lead { id status } lists { mailingList { name } } createdBy { runId }
  events { totalCount pageInfo { hasNextPage endCursor }
    edges { node { kind at sync { name } runId runNumber outcome reason suggestion email } } } } }`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function main() {
  const scratch = await setup.openScratchDatabase();
  const { url } = scratch;
  const handle = createDatabase(url, { max: 10 });
  const { db } = handle;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const logger = pino({ level: 'silent' });
  const secretBox = new SecretBox(randomBytes(32));
  try {
    const { organization, key } = await setup.createBenchOrganization(db);
    const other = await createOrganization(db, 'Other');
    const connection = await new ConnectionRepository(db, organization.id).create({
      connectorId: 'csv',
      name: 'Bench file',
      credentialsEncrypted: 'unused',
    });
    const list = await new MailingListRepository(db, organization.id).create('Customers');
    const syncIds = (
      await setup.createBenchSyncs(db, organization.id, {
        connectionId: connection.id,
        listIds: [list.id],
        count: SYNCS,
      })
    ).map((sync) => sync.id);

    const seedStart = performance.now();
    // Leads with ids derived from their number, so that run records can name them without a join.
    const leadId = (n: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
    await sql.unsafe(`
      insert into leads (id, organization_id, email)
      select ${leadId('i')}, '${organization.id}', 'person' || i || '@example.com'
      from generate_series(0, ${LEADS - 1}) as i`);
    // The same addresses in another organization: never to be found from the first.
    await sql.unsafe(`
      insert into leads (organization_id, email)
      select '${other.id}', 'person' || i || '@example.com' from generate_series(0, 999) as i`);
    await sql.unsafe(`
      insert into sync_runs (id, organization_id, sync_id, status, trigger, created_at, started_at, finished_at,
                             total)
      select ('00000000-0000-4000-9000-' || lpad(to_hex(r), 12, '0'))::uuid, '${organization.id}',
             (array[${syncIds.map((id) => `'${id}'::uuid`).join(',')}])[r % ${SYNCS} + 1], 'succeeded', 'schedule',
             now() - make_interval(hours => ${RUNS} - r), now() - make_interval(hours => ${RUNS} - r),
             now() - make_interval(hours => ${RUNS} - r) + interval '5 minutes', ${PER_RUN}
      from generate_series(0, ${RUNS - 1}) as r`);
    // Loaded like a restore: the secondary indexes of run_records are dropped for the load and built again after it
    // (by sorting, minutes faster than 5M random inserts into each), with the definitions the migrations gave them.
    const indexes = await sql<{ indexdef: string; indexname: string }[]>`
      select indexname, indexdef from pg_indexes
      where tablename = 'run_records' and indexname <> 'run_records_pkey'`;
    for (const index of indexes) await sql.unsafe(`drop index "${index.indexname}"`);
    // Per run: records of leads (p = the lead's number), 4% group, 2% invalid, 3% file duplicates (no lead).
    await sql.unsafe(`
      insert into run_records (run_id, organization_id, seq, source_id, email, lead_id, outcome, reason, suggestion)
      select ('00000000-0000-4000-9000-' || lpad(to_hex(r), 12, '0'))::uuid, '${organization.id}', s,
             'src-' || ((r * ${PER_RUN} + s) % ${LEADS * 2}),
             case when k < 4 then 'info' || p || '@example.com'
                  when k < 6 then 'Person' || p || '@Exmaple..com'
                  else 'person' || p || '@example.com' end,
             case when k < 9 then null else ${leadId('p')} end,
             (case when k < 9 then 'ignored' when r < 10 then 'new' else 'duplicate' end)::run_outcome,
             (case when k < 4 then 'group_email' when k < 6 then 'invalid_pattern' when k < 9 then 'file_duplicate'
                   end)::ignored_reason,
             case when k between 4 and 5 then 'person' || p || '@example.com' end
      from generate_series(0, ${RUNS - 1}) as r, generate_series(0, ${PER_RUN - 1}) as s,
           lateral (select (s * 7919 + r * 104729) % ${LEADS} as p, (s * 31 + r) % 100 as k) as x`);
    await sql.unsafe(`set maintenance_work_mem = '256MB'`);
    for (const index of indexes) await sql.unsafe(index.indexdef);
    await sql.unsafe('analyze');
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const [{ n: records } = { n: 0 }] = await sql<
      { n: number }[]
    >`select count(*)::int as n from run_records`;

    const { api, url: apiUrl } = await setup.startBenchApi(db, secretBox, logger);
    const target = `${apiUrl}/graphql`;
    const ask = async (email: string) => {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: QUERY, variables: { email } }),
      });
      const body = (await response.json()) as {
        data?: { leadTimeline: { lead: unknown; events: { totalCount: number } } };
        errors?: unknown;
      };
      if (!body.data) throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 300)}`);
      return body.data.leadTimeline;
    };
    // Checked once: a lead has its runs' records, an ignored address its own, an absent one nothing.
    const [seen] = await sql<{ lead: string; group: string }[]>`
      select (select upper(email) from run_records where lead_id is not null limit 1) as lead,
             (select email from run_records where reason = 'group_email' limit 1) as group`;
    const present = await ask(seen?.lead ?? '');
    const ignored = await ask(seen?.group ?? '');
    const absent = await ask('nobody@example.com');
    if (!present.lead || present.events.totalCount === 0 || ignored.events.totalCount === 0) {
      throw new Error('the generated addresses were not found');
    }
    if (absent.lead || absent.events.totalCount !== 0) throw new Error('an absent address was found');

    const kinds = ['present', 'ignored', 'absent'] as const;
    const latencies: number[] = [];
    let events = 0;
    for (let i = 0; i < 50; i += 1) await ask(`person${i}@example.com`); // warm-up
    for (let i = 0; i < REQUESTS; i += 1) {
      const p = Math.floor(Math.random() * LEADS);
      const kind = kinds[i % kinds.length];
      const email =
        kind === 'present'
          ? `person${p}@example.com`
          : kind === 'ignored'
            ? `info${p}@example.com`
            : `absent${p}@example.com`;
      const start = performance.now();
      const answer = await ask(email);
      latencies.push(performance.now() - start);
      events += answer.events.totalCount;
    }
    await api.stop();
    // The same, without HTTP and GraphQL: the repository's share of the answer time.
    const repository = new LeadTimelineRepository(db, organization.id);
    const direct: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      const p = Math.floor(Math.random() * LEADS);
      const email = [`person${p}@example.com`, `info${p}@example.com`, `absent${p}@example.com`][i % 3] ?? '';
      const start = performance.now();
      await repository.timeline(email, { first: 50 });
      direct.push(performance.now() - start);
    }
    direct.sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'lead.timeline',
        value: round(percentile(latencies, 99)),
        unit: 'ms',
        p50_ms: round(percentile(latencies, 50)),
        p95_ms: round(percentile(latencies, 95)),
        max_ms: round(latencies.at(-1) ?? 0),
        target_p99_ms: 50,
        repository_p50_ms: round(percentile(direct, 50)),
        repository_p99_ms: round(percentile(direct, 99)),
        requests: REQUESTS,
        mean_events_per_answer: round(events / REQUESTS),
        run_records: records,
        runs: RUNS,
        leads: LEADS,
        seed_seconds: round(seedSeconds),
      })}\n`,
    );
  } finally {
    await sql.end();
    await handle.close();
    await scratch.close();
  }
}

setup.runBench(main);
