import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvSync } from '../testing/fixtures.ts';
import { ok, startTestApi, type TestApi } from '../testing/harness.ts';
import { metricsRoute } from './metrics.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const csv = [
  'email,first_name',
  'ann@example.com,Ann',
  'bob@example.org,Bob',
  'info@example.com,Info',
  '',
].join('\n');

async function runOneCsvSync() {
  const { sync: syncId } = await createCsvSync(api.data, { name: 'Metrics', csv });
  ok(await api.gql('mutation($id: ID!) { initiateSync(id: $id) { id } }', { id: syncId }));
  ok(await api.gql('mutation($id: ID!) { runSyncNow(id: $id) { id } }', { id: syncId }));
  await api.scheduler.idle();
}

async function serve(app: express.Express) {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('/metrics', () => {
  it('counts runs, outcomes, ignored reasons, durations, leads and outbound requests', async () => {
    await runOneCsvSync();
    const app = express();
    app.get('/metrics', metricsRoute(api.db));
    app.get('/limited', (_req, res) => {
      res.status(429).send('slow down');
    });
    const { server, url } = await serve(app);
    try {
      await (await fetch(`${url}/limited`)).text();
      const response = await fetch(`${url}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('# TYPE leadsync_runs gauge');
      expect(text).toMatch(/^leadsync_runs\{status="succeeded"\} 1$/m);
      expect(text).toMatch(/^leadsync_leads_processed_total\{outcome="new"\} 2$/m);
      expect(text).toMatch(/^leadsync_leads_ignored_total\{reason="group_email"\} 1$/m);
      expect(text).toMatch(/^leadsync_run_duration_seconds_count 1$/m);
      expect(text).toMatch(/^leadsync_run_duration_seconds_bucket\{le="\+Inf"\} 1$/m);
      expect(text).toMatch(/^leadsync_leads\{status="active"\} 2$/m);
      expect(text).toMatch(/^leadsync_source_rate_limited_total\{host="127\.0\.0\.1:\d+"\} 1$/m);
    } finally {
      server.close();
    }
  });

  it('asks for the token when one is set', async () => {
    const app = express();
    app.get('/metrics', metricsRoute(api.db, 'a-metrics-token-of-some-length'));
    const { server, url } = await serve(app);
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const allowed = await fetch(`${url}/metrics`, {
        headers: { authorization: 'Bearer a-metrics-token-of-some-length' },
      });
      expect(allowed.status).toBe(200);
    } finally {
      server.close();
    }
  });
});
