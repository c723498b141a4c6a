import type { CostEstimate, EstimateRequest } from '@leadsync/connector-sdk';
import { estimateQuota } from '@leadsync/zoho-accounts';
import type { ZohoClient } from './client.ts';
import { DETAIL_FIELD_KEYS } from './records.ts';
import { filterBy, PAGE_SIZE, PageCapReachedError, scanContacts } from './scan.ts';
import type { ZohoInvoiceSettings } from './settings.ts';

/** Pages an estimate may read when nothing was learned yet: a handful of requests, never a full listing. */
export const ESTIMATE_PROBE_PAGES = 3;

/**
 * What the next run costs, in list pages, detail requests and the deletion listing, at the cost of a handful of
 * requests at most: from what the last run learned when there is one (no request at all), otherwise from up to
 * ESTIMATE_PROBE_PAGES pages of the read itself (exact when the read is that short, "unknown" beyond).
 */
export async function estimateZohoCost(
  session: { client: ZohoClient; settings: ZohoInvoiceSettings },
  request: EstimateRequest,
): Promise<CostEstimate> {
  const { client, settings } = session;
  const wantDetail = request.fields?.some((f) => DETAIL_FIELD_KEYS.includes(f)) ?? false;
  let contacts: number;
  let accuracy: 'about' | 'unknown' = 'about';
  let source: string;
  if (request.lastRun) {
    contacts = request.lastRun.records;
    source = `as many as the last run read (${request.lastRun.full ? 'a full read' : 'changes only'})`;
  } else {
    contacts = 0;
    let more = false;
    try {
      for await (const page of scanContacts(client, request.organizationId, {
        since: request.since,
        until: new Date(),
        filterBy: filterBy(request.activeOnly, settings),
        maxPages: ESTIMATE_PROBE_PAGES,
      })) {
        contacts += page.rows.length;
      }
    } catch (error) {
      if (!(error instanceof PageCapReachedError)) throw error;
      more = true;
    }
    if (more) accuracy = 'unknown';
    source = more
      ? `at least ${contacts}: more than ${ESTIMATE_PROBE_PAGES} pages, the exact number is known after the first run`
      : 'counted from the first pages of the read';
  }
  const listRequests = Math.max(1, Math.ceil(contacts / PAGE_SIZE));
  const detailRequests = wantDetail ? contacts : 0;
  const deletionRequests = request.deletionListing
    ? Math.max(1, Math.ceil((request.trackedRecords ?? contacts) / PAGE_SIZE))
    : 0;
  const personRequests = settings.includeContactPersons
    ? Math.max(1, Math.ceil((request.trackedRecords ?? contacts) / PAGE_SIZE))
    : 0;
  const quota = await client.quota(request.organizationId);
  const requests = listRequests + detailRequests + deletionRequests + personRequests;
  const about = accuracy === 'unknown' ? 'at least' : 'about';
  const parts = [
    `${about} ${listRequests} list page(s) of up to ${PAGE_SIZE}`,
    wantDetail ? `${about} ${detailRequests} contact detail request(s) for the address fields` : '',
    deletionRequests ? `about ${deletionRequests} page(s) for the full listing that looks for deletions` : '',
    personRequests ? `about ${personRequests} contact person page(s)` : '',
  ].filter(Boolean);
  const quotaNote = quota
    ? ` The Zoho account has ${quota.remaining} of its ${quota.limit} daily calls left (10% are kept in reserve).`
    : ' The daily quota of the Zoho account is not known yet.';
  return {
    records: contacts,
    requests,
    listRequests,
    detailRequests,
    deletionRequests,
    accuracy,
    ...estimateQuota(quota),
    note: `Records: ${source}. Requests: ${parts.join(', ')}.${quotaNote}`,
  };
}
