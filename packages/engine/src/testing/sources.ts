import { createConnectorRegistry } from '@leadsync/connector-sdk';
import {
  crmSimulatorSettings,
  fastRegistry,
  fastZohoCrmConnector,
  simulatorSettings,
  startZohoCrmSimulator,
  startZohoInvoiceSimulator,
  type ZohoCrmSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connectors/testing';
import { createFixture } from './fixture.ts';
import type { SyncSource } from './seed.ts';

// What a test's sync reads (for the fixture's createSyncOver): a CSV file, a Zoho simulator.

/** A CSV file as a sync source, its text inline (`{ csv }`) or uploaded (`{ fileId }`): one source organization. */
export function csvSource(settings: { csv: string } | { fileId: string }): SyncSource {
  return { connectorId: 'csv', settings, sourceOrganizationId: 'file' };
}

/** A Zoho Invoice simulator's organization (its first by default) as a sync source. */
export function zohoInvoiceSource(sim: ZohoInvoiceSimulator, organization = 0): SyncSource {
  return {
    connectorId: 'zoho-invoice',
    credentials: sim.credentials,
    settings: simulatorSettings(sim),
    sourceOrganizationId: sim.organizations[organization]!.organization_id,
  };
}

/** A Zoho CRM simulator's Leads module as a sync source. */
export function zohoCrmSource(sim: ZohoCrmSimulator): SyncSource {
  return {
    connectorId: 'zoho-crm',
    credentials: sim.credentials,
    settings: crmSimulatorSettings(sim),
    sourceOrganizationId: 'Leads',
  };
}

/**
 * A fixture over the fast connectors (`zoho` tunes the Zoho Invoice one) with a Zoho Invoice simulator started with
 * `simulator` (no rate limit unless it says so); `close()` closes both.
 */
export async function createZohoInvoiceFixture(
  simulator: Parameters<typeof startZohoInvoiceSimulator>[0],
  zoho: Parameters<typeof fastRegistry>[0] = {},
) {
  const f = await createFixture({ registry: fastRegistry(zoho) });
  const sim = await startZohoInvoiceSimulator({ rateLimit: false, ...simulator });
  const closeFixture = f.close;
  return Object.assign(f, {
    sim,
    async close() {
      await sim.close();
      await closeFixture();
    },
  });
}

/** Runs `test` with a Zoho CRM simulator started with `options`, and closes the simulator after it. */
export async function withZohoCrmSimulator<T>(
  options: Parameters<typeof startZohoCrmSimulator>[0],
  test: (sim: ZohoCrmSimulator) => Promise<T>,
): Promise<T> {
  const sim = await startZohoCrmSimulator(options);
  try {
    return await test(sim);
  } finally {
    await sim.close();
  }
}

/** A fixture over the Zoho CRM connector alone, tuned by `fastZohoCrmConnector(crm)`. */
export function createZohoCrmFixture(crm?: Parameters<typeof fastZohoCrmConnector>[0]) {
  return createFixture({ registry: createConnectorRegistry([fastZohoCrmConnector(crm)]) });
}

export type ZohoInvoiceFixture = Awaited<ReturnType<typeof createZohoInvoiceFixture>>;
