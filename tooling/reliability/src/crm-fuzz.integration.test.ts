import { createConnectorRegistry } from '@leadsync/connector-sdk';
import { startZohoCrmSimulator } from '@leadsync/connector-zoho-crm/simulator';
import { crmSimulatorSettings, fastZohoCrmConnector } from '@leadsync/connector-zoho-crm/testing';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailCell } from './support/arbitraries.ts';
import { createHarness, type Harness } from './support/harness.ts';
import { expectReadOnceAndClassified } from './support/oracle.ts';

/** Texts as people type them into a CRM. */
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', 'O\u2019Brien', 'Zoë', '李', 'مريم', '"quoted"', 'a\nb', '<b>x</b>', '🙂'),
);

/** Leads in Zoho CRM's shapes: a picklist text, a multi-select array, an owner lookup (README of the connector, R4). */
const lead = fc.record({
  Email: fc.oneof(emailCell, fc.constant(null)),
  First_Name: text,
  Last_Name: text,
  Lead_Source: fc.oneof(fc.constantFrom('Trade Show', 'Web Download', 'Chat'), text, fc.constant(null)),
  Interests: fc.array(text, { maxLength: 4 }),
  Owner: fc.record({ name: text, id: fc.stringMatching(/^\d{1,19}$/) }),
});

/**
 * Random leads through the Zoho CRM simulator, the real CRM client (JSON over HTTP) and the engine (issue 21): every
 * lead is read once and classified by rules 1–4 in the run's own order; the invariants hold.
 */
describe('fuzzing Zoho CRM leads through the client and the engine', () => {
  let tdb: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    h = createHarness(tdb.url, { registry: createConnectorRegistry([fastZohoCrmConnector()]) });
  });
  afterAll(async () => {
    await h?.close();
    await tdb?.drop();
  });

  it('every lead is read once and classified by rules 1–4; the invariants hold', async () => {
    let leads = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(lead, { maxLength: 40, size: 'medium' }), async (generated) => {
        const sim = await startZohoCrmSimulator({ seed: 1, recordsPerModule: 0 });
        try {
          const base = Date.parse('2026-06-09T10:00:00Z');
          const added = sim.addRecords(
            'Leads',
            generated.map((l, i) => ({ ...l, Modified_Time: new Date(base + i * 1000).toISOString() })),
          );
          leads += added.length;
          const tenant = await h.tenant({
            connectorId: 'zoho-crm',
            credentials: sim.credentials,
            settings: crmSimulatorSettings(sim),
            sourceOrganizationId: 'Leads',
            fieldMapping: [
              { source: 'Email', target: 'email' },
              { source: 'First_Name', target: 'firstName' },
              { source: 'Last_Name', target: 'lastName' },
              { source: 'Lead_Source', target: 'fields.source' },
              { source: 'Interests', target: 'fields.interests' },
              { source: 'Owner', target: 'fields.owner' },
            ],
          });
          const run = await tenant.run();
          await expectReadOnceAndClassified(
            h.db,
            run,
            tenant.listId,
            new Map(added.map((l) => [l.id, typeof l.Email === 'string' ? l.Email : ''])),
          );
        } finally {
          await sim.close();
        }
      }),
      { numRuns: 15 },
    );
    expect(leads).toBeGreaterThan(50);
  }, 120_000);
});
