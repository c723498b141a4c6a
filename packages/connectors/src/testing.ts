import { csvConnector } from '@leadsync/connector-csv';
import { type AnyConnector, createConnectorRegistry } from '@leadsync/connector-sdk';
import { fastZohoCrmConnector } from '@leadsync/connector-zoho-crm/testing';
import type { ZohoInvoiceConnectorOptions } from '@leadsync/connector-zoho-invoice';
import { fastZohoInvoiceConnector } from '@leadsync/connector-zoho-invoice/testing';

export { startZohoCrmSimulator, type ZohoCrmSimulator } from '@leadsync/connector-zoho-crm/simulator';
export { crmSimulatorSettings, fastZohoCrmConnector } from '@leadsync/connector-zoho-crm/testing';
export {
  benchSimulatorInfo,
  startBenchSimulator,
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
export { simulatorSettings } from '@leadsync/connector-zoho-invoice/testing';

/**
 * The real connectors for tests and benches against local simulators: the Zoho client tuned by its package's
 * `fastZohoInvoiceConnector` (`zoho` overrides those options), Zoho CRM's by `fastZohoCrmConnector`, and `extra` test
 * connectors beside them.
 */
export function fastRegistry(zoho: ZohoInvoiceConnectorOptions = {}, extra: readonly AnyConnector[] = []) {
  return createConnectorRegistry([
    ...extra,
    fastZohoInvoiceConnector(zoho),
    csvConnector,
    fastZohoCrmConnector(),
  ]);
}
