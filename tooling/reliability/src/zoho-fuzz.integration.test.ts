import { startZohoInvoiceSimulator } from '@leadsync/connector-zoho-invoice/simulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailCell, typedText } from './support/arbitraries.ts';
import { fuzzSource } from './support/fuzz.ts';
import {
  createTestHarness,
  DEFAULT_MAPPING,
  type Harness,
  registryWith,
  simulatorSettings,
} from './support/harness.ts';

const ORG = { organization_id: '800000001', name: 'Fuzz Co' };

const contact = fc.record({
  email: emailCell,
  first_name: typedText,
  last_name: typedText,
  company_name: typedText,
  custom: typedText,
});

/**
 * Random contacts through the simulator, the real Zoho Invoice client (JSON over HTTP) and the engine. The source's
 * order is the simulator's, so the oracle (`checkEmail`, rules 1–4) follows the run's own record order; what it
 * checks is that every contact is read once and classified as the rules say.
 */
describe('fuzzing Zoho Invoice contacts through the client and the engine', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createTestHarness({ registry: registryWith() });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every contact is read once and classified by rules 1–4; the invariants hold', async () => {
    const contacts = await fuzzSource(h, contact, {
      start: () =>
        startZohoInvoiceSimulator({
          seed: 1,
          organizations: [ORG],
          contactsPerOrganization: 0,
          rateLimit: false,
          tokenMintLimit: false,
        }),
      fill: (sim, generated) => {
        const added = sim.addContacts(
          ORG.organization_id,
          generated.map((c, i) => ({
            contact_name: `${c.first_name} ${c.last_name} ${i}`,
            first_name: c.first_name,
            last_name: c.last_name,
            company_name: c.company_name,
            email: c.email,
            custom_fields: [{ label: 'Segment', value: c.custom }],
          })),
        );
        return new Map(added.map((c) => [c.contact_id, c.email]));
      },
      tenant: (sim) => ({
        connectorId: 'zoho-invoice',
        credentials: sim.credentials,
        settings: simulatorSettings(sim),
        sourceOrganizationId: ORG.organization_id,
        fieldMapping: [...DEFAULT_MAPPING, { source: 'company_name', target: 'fields.company' }],
      }),
    });
    expect(contacts).toBeGreaterThan(50);
  }, 120_000);
});
