import { describeConnectorContract } from '@leadsync/connector-sdk/testing';
import { createZohoInvoiceConnector } from './connector.ts';
import { startZohoInvoiceSimulator } from './simulator/index.ts';
import { contextFor, FAST } from './test-helpers.ts';

const connector = createZohoInvoiceConnector(FAST);

for (const includeContactPersons of [false, true]) {
  describeConnectorContract({
    name: `zoho-invoice (includeContactPersons: ${includeContactPersons})`,
    connector,
    pageSize: 25,
    makeContext: async () => {
      const sim = await startZohoInvoiceSimulator({
        seed: 99,
        contactsPerOrganization: 120,
        rateLimit: false,
        generator: { extraContactPersons: 0.3 },
      });
      const organizationId = sim.organizations[0]!.organization_id;
      const contacts = sim.contacts(organizationId);
      const persons = contacts.flatMap((c) =>
        c.contact_persons
          .filter((p) => !p.is_primary_contact && p.email)
          .map((p) => `${c.contact_id}:${p.contact_person_id}`),
      );
      return {
        ctx: contextFor(sim, { includeContactPersons }),
        organizationId,
        expectedRecordIds: [...contacts.map((c) => c.contact_id), ...(includeContactPersons ? persons : [])],
        cleanup: () => sim.close(),
      };
    },
    badContexts: [
      {
        name: 'a refresh token Zoho no longer accepts',
        make: async () => {
          const sim = await startZohoInvoiceSimulator({ contactsPerOrganization: 1, rateLimit: false });
          const ctx = contextFor(sim);
          sim.rotateKey();
          return { ctx, organizationId: sim.organizations[0]!.organization_id, cleanup: () => sim.close() };
        },
      },
      {
        name: 'an apiUrl on a host that is not allowed',
        make: async () => {
          const sim = await startZohoInvoiceSimulator({ contactsPerOrganization: 1, rateLimit: false });
          const ctx = contextFor(sim, {}, { allowedHosts: ['zohoapis.com'] });
          return { ctx, organizationId: sim.organizations[0]!.organization_id, cleanup: () => sim.close() };
        },
      },
    ],
  });
}
