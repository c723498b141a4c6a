import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createConnectorRegistry, defineConnector, type SourceRecord } from '@leadsync/connector-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertSucceeded, createFixture, type Fixture } from '../testing/fixture.ts';

const RECORDS = 40_000;
const PAGE = 1_000;

/** An in-memory source of generated contacts, in pages of a thousand (a CSV page is 500, a Zoho page 200). */
const generated = defineConnector<Record<string, never>, Record<string, never>>({
  id: 'generated',
  displayName: 'Generated contacts',
  credentialsSchema: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  settingsSchema: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  capabilities: { detectsDeletes: false },
  async fields() {
    return [];
  },
  async check() {
    return { accountName: 'generated' };
  },
  async listOrganizations() {
    return [{ id: 'all', name: 'All' }];
  },
  async *read() {
    for (let start = 0; start < RECORDS; start += PAGE) {
      const records: SourceRecord[] = [];
      for (let i = start; i < start + PAGE; i++) {
        records.push({
          sourceId: String(i),
          fields: {
            email: `person.number${i}@example${i % 97}.com`,
            first_name: `First${i}`,
            last_name: `Last${i}`,
            country: ['India', 'France', 'Japan', 'Brazil'][i % 4],
            company: `Company ${i % 1000} Limited`,
            note: `note ${i} ${'x'.repeat(i % 50)}`,
          },
        });
      }
      await yieldToLoop();
      yield { records, checkpoint: { row: start + PAGE } };
    }
  },
});

/**
 * The longest stretch of this process's CPU time between two turns of the event loop (a setImmediate chain, which
 * runs once per turn): what a request arriving then would wait for, without the time the machine's other processes
 * took. `stop()` returns it in milliseconds.
 */
function cpuBetweenTurns(): { stop(): number } {
  let longest = 0;
  let running = true;
  let last = process.cpuUsage();
  const tick = () => {
    const now = process.cpuUsage();
    const used = (now.user - last.user + now.system - last.system) / 1000;
    if (used > longest) longest = used;
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return longest;
    },
  };
}

/**
 * API and worker share one process in `pnpm start`: the engine's CPU work (criteria, mapping, classification of a
 * unit) must leave the event loop to the API every few milliseconds. Measured with perf_hooks' event-loop delay
 * histogram during a run of large units (a bound on behaviour, generous for a busy machine, not a timing).
 */
describe('the event loop during a run', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture({ registry: createConnectorRegistry([generated]) });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('is never blocked for long by criteria evaluation and classification of a large unit', async () => {
    const list = await f.createList('Loop');
    const connection = await f.createConnection('generated', {}, {});
    const countries = Array.from({ length: 800 }, (_, i) => `Country ${i}`);
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'all',
      importMode: 'criteria',
      criteria: {
        match: 'any',
        rules: [
          { field: 'country', op: 'in', value: [...countries, 'India', 'France', 'Japan'] },
          {
            match: 'all',
            rules: [
              { field: 'company', op: 'contains', value: 'Limited' },
              { field: 'note', op: 'ends_with', value: 'zz' },
            ],
          },
          { field: 'note', op: 'contains', value: 'never there' },
        ],
      },
      fieldMapping: [
        { source: 'email', target: 'email' },
        { source: 'first_name', target: 'firstName' },
        { source: 'last_name', target: 'lastName' },
        { source: 'company', target: 'fields.company' },
        { source: 'note', target: 'fields.note' },
      ],
    });
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    const cpu = cpuBetweenTurns();
    const run = await f.run(sync.id);
    const longestCpuMs = cpu.stop();
    histogram.disable();
    assertSucceeded(run);
    expect(run.total).toBe((RECORDS * 3) / 4); // Brazil is out of scope
    expect(run.newLeads).toBe((RECORDS * 3) / 4);
    const maxMs = histogram.max / 1e6;
    console.log(
      `event loop during the run: delay max ${maxMs.toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms; ` +
        `longest CPU stretch between two turns ${longestCpuMs.toFixed(1)} ms`,
    );
    // CPU time, not wall time: on a machine shared with other work the wall-time delay measures the scheduler too.
    expect(longestCpuMs).toBeLessThan(60);
    expect(maxMs).toBeLessThan(2_000);
  });
});
