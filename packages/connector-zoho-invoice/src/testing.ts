import { createZohoInvoiceConnector, type ZohoInvoiceConnectorOptions } from './connector.ts';
import type { ZohoInvoiceSimulator } from './simulator/types.ts';

/**
 * Client options for a local simulator without rate limits: a budget that never waits, millisecond backoff, and no
 * planning of the daily quota (the simulator reports Zoho's free plan, 1,000 a day, and test runs are larger).
 */
export const FAST_ZOHO_OPTIONS: ZohoInvoiceConnectorOptions = {
  planDailyQuota: false,
  requestsPerMinute: 6_000_000,
  burst: 100_000,
  baseDelayMs: 1,
  maxDelayMs: 5,
  requestTimeoutMs: 10_000,
};

/** The real connector tuned by FAST_ZOHO_OPTIONS; `options` override them (`planDailyQuota: true`: as in production). */
export function fastZohoInvoiceConnector(options: ZohoInvoiceConnectorOptions = {}) {
  return createZohoInvoiceConnector({ ...FAST_ZOHO_OPTIONS, ...options });
}

/** A connection's settings that point at the simulator. */
export function simulatorSettings(sim: ZohoInvoiceSimulator) {
  return { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl };
}
