import { FAST_SIMULATOR_OPTIONS } from '@leadsync/zoho-accounts/testing';
import { createZohoInvoiceConnector, type ZohoInvoiceConnectorOptions } from './connector.ts';

/** Client options for a local simulator without rate limits (the simulator reports Zoho's free plan, 1,000 a day). */
export const FAST_ZOHO_OPTIONS: ZohoInvoiceConnectorOptions = FAST_SIMULATOR_OPTIONS;

/** The real connector tuned by FAST_ZOHO_OPTIONS; `options` override them (`planDailyQuota: true`: as in production). */
export function fastZohoInvoiceConnector(options: ZohoInvoiceConnectorOptions = {}) {
  return createZohoInvoiceConnector({ ...FAST_ZOHO_OPTIONS, ...options });
}

export { simulatorSettings } from '@leadsync/zoho-accounts/testing';
