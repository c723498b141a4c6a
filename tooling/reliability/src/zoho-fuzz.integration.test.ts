import { startZohoInvoiceSimulator } from '@leadsync/connector-zoho-invoice/simulator';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailCell } from './support/arbitraries.ts';
import { createHarness, type Harness, registryWith, simulatorSettings } from './support/harness.ts';
import { expectReadOnceAndClassified } from './support/oracle.ts';

const ORG = { organization_id: '800000001', name: 'Fuzz Co' };

/** Names and custom field values as people type them into an invoicing app. */
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', 'O\u2019Brien', 'Zoë', '李', 'مريم', '"quoted"', 'a\nb', '<b>x</b>', '🙂'),
);

const contact = fc.record({
  email: emailCell,
  first_name: text,
  last_name: text,
  company_name: text,
  custom: text,
});

/**
 * Random contacts through the simulator, the real Zoho Invoice client (JSON over HTTP) and the engine. The source's
 * order is the simulator's, so the oracle (`checkEmail`, rules 1–4) follows the run's own record order; what it
 * checks is that every contact is read once and classified as the rules say.
 */
describe('fuzzing Zoho Invoice contacts through the client and the engine', () => {
  let tdb: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    h = createHarness(tdb.url, { registry: registryWith() });
  });
  afterAll(async () => {
    await h?.close();
    await tdb?.drop();
  });

  it('every contact is read once and classified by rules 1–4; the invariants hold', async () => {
    let contacts = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(contact, { maxLength: 40, size: 'medium' }), async (generated) => {
        const sim = await startZohoInvoiceSimulator({
          seed: 1,
          organizations: [ORG],
          contactsPerOrganization: 0,
          rateLimit: false,
          tokenMintLimit: false,
        });
        try {
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
          contacts += added.length;
          const tenant = await h.tenant({
            connectorId: 'zoho-invoice',
            credentials: sim.credentials,
            settings: simulatorSettings(sim),
            sourceOrganizationId: ORG.organization_id,
            fieldMapping: [
              { source: 'email', target: 'email' },
              { source: 'first_name', target: 'firstName' },
              { source: 'last_name', target: 'lastName' },
              { source: 'company_name', target: 'fields.company' },
            ],
          });
          const run = await tenant.run();
          await expectReadOnceAndClassified(
            h.db,
            run,
            tenant.listId,
            new Map(added.map((c) => [c.contact_id, c.email])),
          );
        } finally {
          await sim.close();
        }
      }),
      { numRuns: 15 },
    );
    expect(contacts).toBeGreaterThan(50);
  }, 120_000);
});
