import { csvConnector } from '@leadsync/connector-csv';
import { type ConnectorSandbox, createConnectorRegistry } from '@leadsync/connector-sdk';
import { zohoCrmConnector } from '@leadsync/connector-zoho-crm';
import { sandbox as zohoCrmSandbox } from '@leadsync/connector-zoho-crm/sandbox';
import { zohoInvoiceConnector } from '@leadsync/connector-zoho-invoice';
import { sandbox as zohoInvoiceSandbox } from '@leadsync/connector-zoho-invoice/sandbox';

/**
 * Every connector Leadsync knows; the only place that lists them. A new connector is a new package and one line here.
 * The engine and the apps take this registry as an argument and never name a connector.
 */
export const connectorRegistry = createConnectorRegistry([
  zohoInvoiceConnector,
  csvConnector,
  zohoCrmConnector,
]);

/**
 * The sandboxes `pnpm start` offers as ready connections, one per connector that has one (a simulator of its source;
 * loaded only when started). A connector offering a sandbox adds it here, beside its line above.
 */
export const connectorSandboxes: readonly ConnectorSandbox[] = [zohoInvoiceSandbox, zohoCrmSandbox];
