import { createConnectorRegistry } from '@leadsync/connector-sdk';
import { startZohoCrmSimulator } from '@leadsync/connector-zoho-crm/simulator';
import { crmSimulatorSettings, fastZohoCrmConnector } from '@leadsync/connector-zoho-crm/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailCell, typedText } from './support/arbitraries.ts';
import { fuzzSource } from './support/fuzz.ts';
import { CRM_MAPPING, createTestHarness, type Harness } from './support/harness.ts';

/** Leads in Zoho CRM's shapes: a picklist text, a multi-select array, an owner lookup (README of the connector, R4). */
const lead = fc.record({
  Email: fc.oneof(emailCell, fc.constant(null)),
  First_Name: typedText,
  Last_Name: typedText,
  Lead_Source: fc.oneof(fc.constantFrom('Trade Show', 'Web Download', 'Chat'), typedText, fc.constant(null)),
  Interests: fc.array(typedText, { maxLength: 4 }),
  Owner: fc.record({ name: typedText, id: fc.stringMatching(/^\d{1,19}$/) }),
});

/**
 * Random leads through the Zoho CRM simulator, the real CRM client (JSON over HTTP) and the engine (issue 21): every
 * lead is read once and classified by rules 1–4 in the run's own order; the invariants hold.
 */
describe('fuzzing Zoho CRM leads through the client and the engine', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createTestHarness({ registry: createConnectorRegistry([fastZohoCrmConnector()]) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every lead is read once and classified by rules 1–4; the invariants hold', async () => {
    const leads = await fuzzSource(h, lead, {
      start: () => startZohoCrmSimulator({ seed: 1, recordsPerModule: 0 }),
      fill: (sim, generated) => {
        const base = Date.parse('2026-06-09T10:00:00Z');
        const added = sim.addRecords(
          'Leads',
          generated.map((l, i) => ({ ...l, Modified_Time: new Date(base + i * 1000).toISOString() })),
        );
        return new Map(added.map((l) => [l.id, typeof l.Email === 'string' ? l.Email : '']));
      },
      tenant: (sim) => ({
        connectorId: 'zoho-crm',
        credentials: sim.credentials,
        settings: crmSimulatorSettings(sim),
        sourceOrganizationId: 'Leads',
        fieldMapping: [
          ...CRM_MAPPING,
          { source: 'Lead_Source', target: 'fields.source' },
          { source: 'Interests', target: 'fields.interests' },
          { source: 'Owner', target: 'fields.owner' },
        ],
      }),
    });
    expect(leads).toBeGreaterThan(50);
  }, 120_000);
});
