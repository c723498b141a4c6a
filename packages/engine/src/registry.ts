import { csvConnector } from '@leadsync/connector-csv';
import { createConnectorRegistry } from '@leadsync/connector-sdk';
import { zohoInvoiceConnector } from '@leadsync/connector-zoho-invoice';

/** Every connector Leadsync knows; the only place that lists them. */
export const connectorRegistry = createConnectorRegistry([zohoInvoiceConnector, csvConnector]);
