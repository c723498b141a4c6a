import { createZohoCrmConnector, type ZohoCrmConnectorOptions } from './connector.ts';
import type { ZohoCrmSimulator } from './simulator/types.ts';

/**
 * Client options for a local simulator: a budget that never waits, millisecond backoff, and no planning of the daily
 * credits (test runs are larger than a free edition's day).
 */
export const FAST_ZOHO_CRM_OPTIONS: ZohoCrmConnectorOptions = {
  planDailyQuota: false,
  requestsPerMinute: 6_000_000,
  burst: 100_000,
  baseDelayMs: 1,
  maxDelayMs: 5,
  requestTimeoutMs: 10_000,
  defaultRetryAfterMs: 5,
};

/** The real connector tuned by FAST_ZOHO_CRM_OPTIONS; `options` override them (`planDailyQuota: true`: as in production). */
export function fastZohoCrmConnector(options: ZohoCrmConnectorOptions = {}) {
  return createZohoCrmConnector({ ...FAST_ZOHO_CRM_OPTIONS, ...options });
}

/** A connection's settings that point at the simulator. */
export function crmSimulatorSettings(sim: ZohoCrmSimulator) {
  return { dataCenter: 'com', apiUrl: sim.apiUrl, accountsUrl: sim.accountsUrl };
}
