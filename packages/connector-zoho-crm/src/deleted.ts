import { BadSourceDataError } from '@leadsync/connector-sdk';
import type { ZohoCrmClient } from './client.ts';
import { crmTimeMs, deletedEnvelopeSchema, formatCrmTime } from './records.ts';
import type { CrmModule } from './settings.ts';

/** Pages of the deleted-records feed read at most in one call (200 each: 200,000 deletions). */
const MAX_DELETED_PAGES = 1_000;

/**
 * `GET /{module}/deleted?type=all` with If-Modified-Since (README, D1): the ids of records moved to the recycle bin or
 * deleted for good since `since`, page by page. Deletions older than `since` on a page are left out (the header's
 * second may count either way).
 */
export async function* deletedIds(
  client: ZohoCrmClient,
  module: CrmModule,
  since: Date,
): AsyncGenerator<string[]> {
  const sinceMs = Math.floor(since.getTime() / 1000) * 1000;
  for (let page = 1; page <= MAX_DELETED_PAGES; page++) {
    const answer = await client.get(
      `/${module}/deleted`,
      { type: 'all', page, per_page: 200 },
      { 'If-Modified-Since': formatCrmTime(sinceMs - 1000) },
    );
    if (!answer.json) return;
    const parsed = deletedEnvelopeSchema.safeParse(answer.json);
    if (!parsed.success) {
      throw new BadSourceDataError(
        `Zoho CRM answered GET /${module}/deleted with an unexpected shape`,
        undefined,
        'Zoho CRM sent an answer in a shape we do not understand.',
      );
    }
    const ids: string[] = [];
    for (const row of parsed.data.data) {
      const ms = crmTimeMs(row.deleted_time);
      if (ms !== undefined && ms < sinceMs) continue;
      ids.push(String(row.id));
    }
    yield ids;
    if (!parsed.data.info.more_records || parsed.data.data.length === 0) return;
  }
}
