import { csvConnector } from '@leadsync/connector-csv';
import { createConnectorRegistry } from '@leadsync/connector-sdk';
import { zohoCrmConnector } from '@leadsync/connector-zoho-crm';
import { zohoInvoiceConnector } from '@leadsync/connector-zoho-invoice';

/**
 * Every connector Leadsync knows; the only place that lists them. A new connector is a new package and one line here.
 * The engine and the apps take this registry as an argument and never name a connector.
 */
export const connectorRegistry = createConnectorRegistry([
  zohoInvoiceConnector,
  csvConnector,
  zohoCrmConnector,
]);
