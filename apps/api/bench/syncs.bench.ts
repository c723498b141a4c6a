/**
 * `pnpm bench` (issues 6 and 22): the `syncs` query for 100 syncs with their connection, list and last run, under
 * concurrent load on loopback (autocannon), at 1, 4 and 16 connections, against three servers in the same process:
 *
 * - `apollo`: the real server (createApiServer: Express, Apollo, armor, the cost rule, formatError);
 * - `graphql-js`: the same schema, resolvers and context (authenticate + createContext), one parsed and validated
 *   document, plain graphql-js `execute` and `JSON.stringify` (the baseline of issue 22);
 * - `json`: a hand-written endpoint returning the same data (checked equal) with the same 5 SQL statements, reading
 *   the same columns as the API reads for this selection (the floor).
 *
 * The three are measured interleaved, at each connection count in turn, so a shared machine's load weighs on them
 * alike: on a busy machine absolute req/s mean little, the ratios of the same run are what to compare.
 * autocannon runs in a child process; this process's CPU time per request (`cpu_ms`) is each server's own cost.
 * Prints one JSON line per connection count (`api.syncs.c<N>`) with req/s, p50/p99 and cpu_ms of each server and
 * the ratios apollo/json and apollo/graphql-js (of CPU per request and of mean latency), then the summary line
 * `{"bench":"api.syncs","value":<req/s at 4 connections>,"unit":"req/s","p99_ms":<ms>,...}`.
 *
 * PostgreSQL: `TEST_DATABASE_URL` or `DATABASE_URL` (a throwaway database is created and dropped there), else an
 * embedded server in a temporary directory.
 */

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { COUNT_KEYS } from '@leadsync/core';
import { createDatabase, SecretBox } from '@leadsync/db';
import {
  ConnectionRepository,
  MailingListRepository,
  SyncRepository,
  SyncRunRepository,
} from '@leadsync/db/repositories';
import type { Sync as SyncRow, SyncRun as SyncRunRow } from '@leadsync/db/schema';
import type autocannon from 'autocannon';
import express from 'express';
import { execute, parse, validate } from 'graphql';
import pino from 'pino';
import { authenticate } from '../src/graphql/auth.ts';
import { createContext } from '../src/graphql/context.ts';
import { buildLeadsyncSchema } from '../src/graphql/schema.ts';
import { toConnection } from '../src/modules/connections/connection.service.ts';
import { toSyncRun } from '../src/modules/runs/run.service.ts';
import { toSync } from '../src/modules/syncs/sync.service.ts';
import * as setup from './setup.ts';

const run = promisify(execFile);

const SYNCS = 100;
const RUNS_PER_SYNC = 3;
/** Concurrent loopback connections; p99 grows with it once the server is saturated. */
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,4,16').split(',').map(Number);
/** Seconds per server and connection count (3 servers × 3 counts: about 9 × (this + 1) seconds in all). */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
/** `apollo` only: for profiling the real server (`node --cpu-prof`) without the other two. */
const ONLY = process.env.BENCH_ONLY;

const QUERY = `{ syncs { id name status nextRunAt schedule { frequency time timeZone }
  connection { id name status } mailingList { id name leadCount }
  lastRun { id status startedAt finishedAt totals { total newLeads reAdded duplicate ignored deleted } } } }`;

const FLOOR_SYNC_COLUMNS = [
  'id',
  'name',
  'status',
  'nextRunAt',
  'schedule',
  'connectionId',
  'mailingListId',
] as const satisfies readonly (keyof SyncRow)[];
const FLOOR_RUN_COLUMNS: readonly (keyof SyncRunRow)[] = [
  'id',
  'status',
  'startedAt',
  'finishedAt',
  ...COUNT_KEYS,
];

async function main() {
  const scratch = await setup.openScratchDatabase();
  // The API's own database handle and options (createDatabase), as `pnpm start` serves.
  const handle = createDatabase(scratch.url, { max: 10 });
  const { db } = handle;
  const logger = pino({ level: 'silent' });
  const secretBox = new SecretBox(randomBytes(32));

  try {
    // Seed: one organization, a CSV connection, two lists, 100 syncs with 3 finished runs each.
    const { organization, key } = await setup.createBenchOrganization(db);
    const connections = new ConnectionRepository(db, organization.id);
    const connection = await connections.create({
      connectorId: 'csv',
      name: 'Bench file',
      credentialsEncrypted: 'pending',
      settings: { csv: 'email\na@example.com\n' },
    });
    await connections.update(connection.id, { credentialsEncrypted: secretBox.sealJson({}, connection.id) });
    const lists = new MailingListRepository(db, organization.id);
    const listIds = [(await lists.create('Customers')).id, (await lists.create('Prospects')).id];
    const runs = new SyncRunRepository(db, organization.id);
    const syncs = await setup.createBenchSyncs(db, organization.id, {
      connectionId: connection.id,
      listIds,
      count: SYNCS,
    });
    for (const sync of syncs) {
      for (let r = 0; r < RUNS_PER_SYNC; r += 1) {
        const { run } = await runs.createQueued({ syncId: sync.id, trigger: 'manual' });
        await runs.update(run.id, {
          status: 'succeeded',
          startedAt: new Date(),
          finishedAt: new Date(),
          total: 10 + r,
          newLeads: 5,
          duplicate: 5 + r,
        });
      }
    }

    const { api, deps: apiDeps, url: apolloUrl } = await setup.startBenchApi(db, secretBox, logger);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    const body = JSON.stringify({ query: QUERY });
    const request = { method: 'POST' as const, headers, body };

    // The baseline and the floor, in the same process as the real server (so they share its CPU and load).
    const schema = await buildLeadsyncSchema();
    const document = parse(QUERY);
    const invalid = validate(schema, document);
    if (invalid.length > 0) throw new Error(`invalid bench query: ${invalid[0]?.message}`);
    const baseline = express();
    baseline.set('etag', false); // as the API (server.ts): the same HTTP work for the three
    baseline.post('/graphql-js', express.json(), async (req, res) => {
      const principal = await authenticate(db, req.headers.authorization);
      const result = await execute({
        schema,
        document,
        contextValue: createContext(apiDeps, principal),
        variableValues: req.body.variables,
      });
      res.type('application/json').send(JSON.stringify(result));
    });
    baseline.post('/json', express.json(), async (req, res) => {
      const principal = await authenticate(db, req.headers.authorization);
      const org = principal.organizationId;
      // The columns this answer reads, as the API's list does for this selection (a hand-written endpoint would).
      const rows = (await new SyncRepository(db, org).list(FLOOR_SYNC_COLUMNS)).map((row) =>
        toSync(row as SyncRow),
      );
      const [connectionRows, listRows, lastRuns] = await Promise.all([
        new ConnectionRepository(db, org).getMany([...new Set(rows.map((r) => r.connectionId))]),
        new MailingListRepository(db, org).getMany([...new Set(rows.map((r) => r.mailingListId))]),
        new SyncRunRepository(db, org).latestBySyncIds(
          rows.map((r) => r.id),
          { columns: FLOOR_RUN_COLUMNS },
        ),
      ]);
      const connectionsById = new Map(connectionRows.map((c) => [c.id, toConnection(c)]));
      const listsById = new Map(listRows.map((l) => [l.id, l]));
      const iso = (date: Date | null) => (date ? date.toISOString() : null);
      const syncsOut = rows.map((sync) => {
        const connection = connectionsById.get(sync.connectionId);
        const list = listsById.get(sync.mailingListId);
        const row = lastRuns.get(sync.id);
        const run = row ? toSyncRun(row as SyncRunRow) : null;
        return {
          id: sync.id,
          name: sync.name,
          status: sync.status.toUpperCase(),
          nextRunAt: iso(sync.nextRunAt),
          schedule: {
            frequency: sync.schedule.frequency,
            time: sync.schedule.time,
            timeZone: sync.schedule.timeZone,
          },
          connection: connection && {
            id: connection.id,
            name: connection.name,
            status: connection.status.toUpperCase(),
          },
          mailingList: list && { id: list.id, name: list.name, leadCount: list.leadCount },
          lastRun: run && {
            id: run.id,
            status: run.status.toUpperCase(),
            startedAt: iso(run.startedAt),
            finishedAt: iso(run.finishedAt),
            totals: {
              total: run.totals.total,
              newLeads: run.totals.newLeads,
              reAdded: run.totals.reAdded,
              duplicate: run.totals.duplicate,
              ignored: run.totals.ignored,
              deleted: run.totals.deleted,
            },
          },
        };
      });
      res.type('application/json').send(JSON.stringify({ data: { syncs: syncsOut } }));
    });
    const baselineServer = createServer(baseline);
    await new Promise<void>((resolve) => baselineServer.listen(0, '127.0.0.1', resolve));
    const basePort = (baselineServer.address() as AddressInfo).port;

    const targets: Record<string, string> = {
      json: `http://127.0.0.1:${basePort}/json`,
      'graphql-js': `http://127.0.0.1:${basePort}/graphql-js`,
      apollo: `${apolloUrl}/graphql`,
    };
    if (ONLY) for (const name of Object.keys(targets)) if (name !== ONLY) delete targets[name];

    // One checked request each: the answers are complete and equal, and how many statements each costs.
    let reference: string | undefined;
    const queriesPerRequest: Record<string, number> = {};
    for (const [name, url] of Object.entries(targets)) {
      const { result: answer, statements } = await setup.countStatements(
        handle.sql,
        async () =>
          (await (await fetch(url, request)).json()) as {
            data?: { syncs: { lastRun: unknown }[] };
            errors?: unknown;
          },
      );
      if (!answer.data || answer.data.syncs.length !== SYNCS || answer.data.syncs.some((s) => !s.lastRun)) {
        throw new Error(`${name}: unexpected answer: ${JSON.stringify(answer).slice(0, 500)}`);
      }
      const text = JSON.stringify(answer);
      reference ??= text;
      if (text !== reference) throw new Error(`${name} answers other data than ${Object.keys(targets)[0]}`);
      queriesPerRequest[name] = statements;
    }

    type Measured = {
      rps: number;
      p50: number;
      p99: number;
      mean: number;
      requests: number;
      /** This process's CPU (all threads: the server, postgres.js, GC) per request, in ms. */
      cpu: number;
    };
    // The load generator runs in a child process, so neither its event loop nor its CPU is the server's: the CPU
    // this process spends per request is the server's own cost, less sensitive to a busy machine than req/s.
    const autocannonBin = fileURLToPath(import.meta.resolve('autocannon/autocannon.js'));
    const load = async (url: string, connections: number, duration: number) => {
      const args = [autocannonBin, '-j', '-c', String(connections), '-d', String(duration), '-m', 'POST'];
      for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
      args.push('-b', body, url);
      const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout) as autocannon.Result;
    };
    const measure = async (url: string, connections: number): Promise<Measured> => {
      await load(url, connections, 1); // warm-up
      const cpuBefore = process.cpuUsage();
      const result = await load(url, connections, DURATION_S);
      const cpu = process.cpuUsage(cpuBefore);
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
      }
      return {
        rps: Math.round(result.requests.average),
        p50: result.latency.p50,
        p99: result.latency.p99,
        mean: result.latency.mean,
        requests: result.requests.total,
        cpu: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(result.requests.total, 1)) * 100) / 100,
      };
    };
    const ratio = (a: number | undefined, b: number | undefined) =>
      a && b ? Math.round((a / b) * 100) / 100 : null;

    const summary: Record<number, Record<string, Measured>> = {};
    for (const connections of CONNECTIONS) {
      const line: Record<string, Measured> = {};
      for (const [name, url] of Object.entries(targets)) line[name] = await measure(url, connections);
      summary[connections] = line;
      process.stdout.write(
        `${JSON.stringify({
          bench: `api.syncs.c${connections}`,
          connections,
          duration_s: DURATION_S,
          ...Object.fromEntries(
            Object.entries(line).map(([name, m]) => [
              name,
              { rps: m.rps, p50_ms: m.p50, p99_ms: m.p99, cpu_ms: m.cpu, requests: m.requests },
            ]),
          ),
          // Cost per request relative to the floor and to the baseline: CPU ms per request, and mean latency.
          cpu_apollo_over_json: ratio(line.apollo?.cpu, line.json?.cpu),
          cpu_apollo_over_graphql_js: ratio(line.apollo?.cpu, line['graphql-js']?.cpu),
          cpu_graphql_js_over_json: ratio(line['graphql-js']?.cpu, line.json?.cpu),
          latency_apollo_over_json: ratio(line.apollo?.mean, line.json?.mean),
          latency_apollo_over_graphql_js: ratio(line.apollo?.mean, line['graphql-js']?.mean),
        })}\n`,
      );
    }
    await api.stop();
    await new Promise<void>((done) => baselineServer.close(() => done()));
    const at4 = summary[4] ?? summary[CONNECTIONS[0] ?? 4] ?? {};
    const top = summary[16] ?? {};
    const mainTarget = at4.apollo ?? Object.values(at4)[0];
    process.stdout.write(
      `${JSON.stringify({
        bench: 'api.syncs',
        value: mainTarget?.rps,
        unit: 'req/s',
        p99_ms: mainTarget?.p99,
        p50_ms: mainTarget?.p50,
        p99_ms_at_16: (top.apollo ?? Object.values(top)[0])?.p99,
        // The floor's own tail at 16 connections: what any server over these statements gets on this machine.
        json_p99_ms_at_16: top.json?.p99,
        json_rps_at_4: at4.json?.rps,
        cpu_ms: mainTarget?.cpu,
        cpu_apollo_over_json: ratio(at4.apollo?.cpu, at4.json?.cpu),
        cpu_apollo_over_graphql_js: ratio(at4.apollo?.cpu, at4['graphql-js']?.cpu),
        latency_apollo_over_json: ratio(at4.apollo?.mean, at4.json?.mean),
        syncs: SYNCS,
        connections: 4,
        duration_s: DURATION_S,
        queries_per_request: queriesPerRequest.apollo ?? Object.values(queriesPerRequest)[0],
        note: 'shared machine: compare the ratios of one run, not absolute req/s across runs',
      })}\n`,
    );
  } finally {
    await handle.close();
    await scratch.close();
  }
}

setup.runBench(main);
