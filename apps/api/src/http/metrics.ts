import { timingSafeEqual } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { Database } from '@leadsync/db';
import { sql } from 'drizzle-orm';
import type { RequestHandler } from 'express';

/**
 * `/metrics` in the Prometheus text format (0.0.4). Written by hand rather than with prom-client: the run figures
 * are aggregates the database already holds (counted at scrape time, so every worker process's runs are included),
 * and the only in-process counter is the outbound request count below.
 */

const DURATION_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 14_400] as const;

interface OutboundCount {
  host: string;
  status: string;
  count: number;
}

const outbound = new Map<string, OutboundCount>();
/**
 * Most host/status series kept: hosts come from connections and webhooks a tenant sets (any port of an allowed
 * host), so beyond this the counts go to the host label `other` instead of growing the map.
 */
export const MAX_OUTBOUND_SERIES = 500;
let subscribed = false;

/**
 * Counts every HTTP request this process makes through fetch (the source connectors, webhook deliveries) by host
 * and status, from undici's diagnostics channel: no connector needs to know about metrics.
 */
export function countOutboundRequests(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('undici:request:headers', (message) => {
    const { request, response } = message as {
      request: { origin?: string };
      response: { statusCode: number };
    };
    let host = 'unknown';
    try {
      host = new URL(String(request.origin)).host;
    } catch {
      // An origin that is not a URL keeps the label `unknown`.
    }
    const status = String(response.statusCode);
    if (!outbound.has(`${host} ${status}`) && outbound.size >= MAX_OUTBOUND_SERIES) host = 'other';
    const key = `${host} ${status}`;
    const entry = outbound.get(key) ?? { host, status, count: 0 };
    entry.count += 1;
    outbound.set(key, entry);
  });
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

class Exposition {
  private readonly lines: string[] = [];
  metric(name: string, type: 'counter' | 'gauge' | 'histogram', help: string) {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }
  sample(name: string, labels: Record<string, string>, value: number) {
    const pairs = Object.entries(labels).map(([key, text]) => `${key}="${label(text)}"`);
    this.lines.push(`${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value}`);
  }
  toString() {
    return `${this.lines.join('\n')}\n`;
  }
}

interface RunAggregates extends Record<string, unknown> {
  status: string;
  runs: number;
  new_leads: number;
  re_added: number;
  duplicate: number;
  ignored: number;
  deleted: number;
  bounced: number;
  do_not_mail: number;
  group_email: number;
  file_duplicate: number;
  empty_email: number;
  invalid_pattern: number;
}

export async function renderMetrics(db: Database): Promise<string> {
  const out = new Exposition();
  const runs = await db.execute<RunAggregates>(sql`
    SELECT status::text AS status, count(*)::int AS runs,
      sum(new_leads)::bigint AS new_leads, sum(re_added)::bigint AS re_added, sum(duplicate)::bigint AS duplicate,
      sum(ignored)::bigint AS ignored, sum(deleted)::bigint AS deleted, sum(bounced)::bigint AS bounced,
      sum(do_not_mail)::bigint AS do_not_mail, sum(group_email)::bigint AS group_email,
      sum(file_duplicate)::bigint AS file_duplicate, sum(empty_email)::bigint AS empty_email,
      sum(invalid_pattern)::bigint AS invalid_pattern
    FROM sync_runs WHERE NOT dry_run GROUP BY status ORDER BY status`);

  out.metric('leadsync_runs', 'gauge', 'Sync runs (previews excluded) by status.');
  // Every status, zero included: `waiting` (for a source's daily quota) shows even before the first one.
  for (const status of ['queued', 'running', 'waiting', 'succeeded', 'failed']) {
    const row = runs.find((r) => r.status === status);
    out.sample('leadsync_runs', { status }, Number(row?.runs ?? 0));
  }

  const outcomes = ['new_leads', 're_added', 'duplicate', 'ignored', 'deleted'] as const;
  const outcomeNames = {
    new_leads: 'new',
    re_added: 're_added',
    duplicate: 'duplicate',
    ignored: 'ignored',
    deleted: 'deleted',
  };
  out.metric('leadsync_leads_processed_total', 'counter', 'Source records processed by runs, by outcome.');
  for (const outcome of outcomes) {
    const total = runs.reduce((sum, row) => sum + Number(row[outcome] ?? 0), 0);
    out.sample('leadsync_leads_processed_total', { outcome: outcomeNames[outcome] }, total);
  }
  const reasons = [
    'bounced',
    'do_not_mail',
    'group_email',
    'file_duplicate',
    'empty_email',
    'invalid_pattern',
  ] as const;
  out.metric('leadsync_leads_ignored_total', 'counter', 'Ignored source records by reason.');
  for (const reason of reasons) {
    const total = runs.reduce((sum, row) => sum + Number(row[reason] ?? 0), 0);
    out.sample('leadsync_leads_ignored_total', { reason }, total);
  }

  const bucketColumns = DURATION_BUCKETS.map((bound) =>
    sql.raw(`count(*) FILTER (WHERE seconds <= ${bound})::int AS "le_${bound}"`),
  );
  const [durations] = await db.execute<Record<string, number>>(sql`
    WITH finished AS (
      SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM sync_runs
      WHERE NOT dry_run AND finished_at IS NOT NULL AND started_at IS NOT NULL
    )
    SELECT count(*)::int AS count, coalesce(sum(seconds), 0)::float8 AS sum, ${sql.join(bucketColumns, sql`, `)}
    FROM finished`);
  out.metric('leadsync_run_duration_seconds', 'histogram', 'Duration of finished runs.');
  for (const bound of DURATION_BUCKETS) {
    out.sample(
      'leadsync_run_duration_seconds_bucket',
      { le: String(bound) },
      Number(durations?.[`le_${bound}`] ?? 0),
    );
  }
  out.sample('leadsync_run_duration_seconds_bucket', { le: '+Inf' }, Number(durations?.count ?? 0));
  out.sample('leadsync_run_duration_seconds_sum', {}, Number(durations?.sum ?? 0));
  out.sample('leadsync_run_duration_seconds_count', {}, Number(durations?.count ?? 0));

  const leads = await db.execute<{ status: string; leads: number }>(
    sql`SELECT status::text AS status, count(*)::int AS leads FROM leads GROUP BY status ORDER BY status`,
  );
  out.metric('leadsync_leads', 'gauge', 'Leads by status.');
  for (const row of leads) out.sample('leadsync_leads', { status: row.status }, Number(row.leads));

  out.metric(
    'leadsync_source_requests_total',
    'counter',
    'HTTP requests this process made to sources, by host and status.',
  );
  const sorted = [...outbound.values()].sort((a, b) =>
    `${a.host}${a.status}`.localeCompare(`${b.host}${b.status}`),
  );
  for (const entry of sorted) {
    out.sample('leadsync_source_requests_total', { host: entry.host, status: entry.status }, entry.count);
  }
  out.metric(
    'leadsync_source_rate_limited_total',
    'counter',
    'Responses with HTTP 429 (rate limited), by host.',
  );
  for (const entry of sorted.filter((candidate) => candidate.status === '429')) {
    out.sample('leadsync_source_rate_limited_total', { host: entry.host }, entry.count);
  }
  return out.toString();
}

/** `GET /metrics`; with a token set, only `Authorization: Bearer <token>` may read it. */
export function metricsRoute(db: Database, token?: string): RequestHandler {
  countOutboundRequests();
  return async (req, res, next) => {
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res
        .status(401)
        .type('text/plain')
        .send('metrics need Authorization: Bearer <LEADSYNC_METRICS_TOKEN>\n');
      return;
    }
    try {
      res.type('text/plain; version=0.0.4; charset=utf-8').send(await renderMetrics(db));
    } catch (error) {
      next(error);
    }
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
