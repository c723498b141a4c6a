import { timingSafeEqual } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { IGNORED_REASONS, OUTCOMES } from '@leadsync/core';
import {
  type Database,
  leadCountsAcrossOrganizations,
  runDurationsAcrossOrganizations,
  runTotalsAcrossOrganizations,
} from '@leadsync/db';
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

export async function renderMetrics(db: Database): Promise<string> {
  const out = new Exposition();
  const runs = await runTotalsAcrossOrganizations(db);

  out.metric('leadsync_runs', 'gauge', 'Sync runs (previews excluded) by status.');
  // Every status, zero included: `waiting` (for a source's daily quota) shows even before the first one.
  for (const status of ['queued', 'running', 'waiting', 'succeeded', 'failed']) {
    const row = runs.find((r) => r.status === status);
    out.sample('leadsync_runs', { status }, Number(row?.runs ?? 0));
  }

  out.metric('leadsync_leads_processed_total', 'counter', 'Source records processed by runs, by outcome.');
  for (const outcome of OUTCOMES) {
    // The run's counter of new leads is the column `new_leads`; every other outcome and reason is its own column.
    const column = outcome === 'new' ? 'new_leads' : outcome;
    const total = runs.reduce((sum, row) => sum + Number(row[column] ?? 0), 0);
    out.sample('leadsync_leads_processed_total', { outcome }, total);
  }
  out.metric('leadsync_leads_ignored_total', 'counter', 'Ignored source records by reason.');
  for (const reason of IGNORED_REASONS) {
    const total = runs.reduce((sum, row) => sum + Number(row[reason] ?? 0), 0);
    out.sample('leadsync_leads_ignored_total', { reason }, total);
  }

  const durations = await runDurationsAcrossOrganizations(db, DURATION_BUCKETS);
  out.metric('leadsync_run_duration_seconds', 'histogram', 'Duration of finished runs.');
  DURATION_BUCKETS.forEach((bound, index) => {
    out.sample('leadsync_run_duration_seconds_bucket', { le: String(bound) }, durations.atMost[index] ?? 0);
  });
  out.sample('leadsync_run_duration_seconds_bucket', { le: '+Inf' }, durations.count);
  out.sample('leadsync_run_duration_seconds_sum', {}, durations.sum);
  out.sample('leadsync_run_duration_seconds_count', {}, durations.count);

  const leads = await leadCountsAcrossOrganizations(db);
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
