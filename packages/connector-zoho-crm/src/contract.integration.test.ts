import { describeConnectorContract } from '@leadsync/connector-sdk/testing';
import { createZohoCrmConnector } from './connector.ts';
import { startZohoCrmSimulator } from './simulator/index.ts';
import { contextFor, FAST } from './test-helpers.ts';

const connector = createZohoCrmConnector(FAST);

for (const module of ['Leads', 'Contacts'] as const) {
  describeConnectorContract({
    name: `zoho-crm (${module})`,
    connector,
    pageSize: 25,
    emailFieldKey: 'Email',
    makeContext: async () => {
      const sim = await startZohoCrmSimulator({ seed: 7, recordsPerModule: 121 });
      // One record deleted (recycle bin): the deletions feed must report it, and the full read not yield it.
      const deleted = sim.records(module)[60]?.id as string;
      sim.deleteRecord(module, deleted);
      return {
        ctx: contextFor(sim),
        organizationId: module,
        expectedRecordIds: sim.records(module).map((r) => r.id),
        expectedDeletedIds: [deleted],
        cleanup: () => sim.close(),
      };
    },
    badContexts: [
      {
        name: 'a refresh token Zoho no longer accepts',
        make: async () => {
          const sim = await startZohoCrmSimulator({ recordsPerModule: 1 });
          const ctx = contextFor(sim);
          sim.rotateKey();
          return { ctx, organizationId: module, cleanup: () => sim.close() };
        },
      },
      {
        name: 'an apiUrl on a host that is not allowed',
        make: async () => {
          const sim = await startZohoCrmSimulator({ recordsPerModule: 1 });
          return {
            ctx: contextFor(sim, { allowedHosts: ['zohoapis.com'] }),
            organizationId: module,
            cleanup: () => sim.close(),
          };
        },
      },
    ],
  });
}
