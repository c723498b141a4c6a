import { csvConnector } from '@leadsync/connector-csv';
import { createConnectorRegistry } from '@leadsync/connector-sdk';
import { createZohoInvoiceConnector } from '@leadsync/connector-zoho-invoice';
import type { ZohoInvoiceSimulator } from '@leadsync/connector-zoho-invoice/simulator';

/**
 * The real connectors, with a Zoho client budget and backoff fit for a local simulator without rate limits, and no
 * planning of the daily quota (the simulator reports Zoho's free plan, 1,000 a day, and these runs are larger).
 * `planDailyQuota: true`: as in production, the run waits rather than eat into the quota's reserve.
 */
export function fastRegistry(options: { planDailyQuota?: boolean } = {}) {
  return createConnectorRegistry([
    createZohoInvoiceConnector({
      planDailyQuota: options.planDailyQuota ?? false,
      requestsPerMinute: 6_000_000,
      burst: 100_000,
      baseDelayMs: 1,
      maxDelayMs: 5,
      requestTimeoutMs: 10_000,
    }),
    csvConnector,
  ]);
}

export function simulatorSettings(sim: ZohoInvoiceSimulator) {
  return { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl };
}
