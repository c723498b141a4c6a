import {
  type ApiKeyPrincipal,
  type LeadChangeActor,
  LeadRepository,
  type Page,
} from '@leadsync/db/repositories';
import type { Lead as LeadRow } from '@leadsync/db/schema';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { MAX_FIRST } from '../../graphql/pagination.ts';
import { parse } from '../../graphql/validation.ts';
import type { LeadStatus } from './lead.type.ts';

/** At most this many emails per marking call, so one request stays one bounded statement. */
export const MAX_EMAILS_PER_CALL = 10_000;

const emailsSchema = z
  .array(z.string().max(320, 'an email has at most 320 characters'))
  .max(MAX_EMAILS_PER_CALL, `at most ${MAX_EMAILS_PER_CALL} emails per call`);

export const leadSearchSchema = z.object({
  mailingListId: z.string().nullish(),
  status: z.string().nullish(),
  search: z.string().max(200, 'at most 200 characters').nullish(),
  first: z.number().int().min(1, 'at least 1').max(MAX_FIRST, `at most ${MAX_FIRST}`).nullish(),
  after: z.string().nullish(),
});

export class LeadService {
  private readonly leads: LeadRepository;
  /** Who the timeline says changed the leads: the key of the request. */
  private readonly by: LeadChangeActor;

  constructor(deps: ApiDeps, principal: ApiKeyPrincipal) {
    this.leads = new LeadRepository(deps.db, principal.organizationId);
    this.by = { apiKeyId: principal.apiKeyId, apiKeyName: principal.name };
  }

  search(args: {
    mailingListId?: string | null;
    status?: LeadStatus | null;
    search?: string | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<LeadRow>> {
    const input = parse(leadSearchSchema, args, '');
    return this.leads.search({
      mailingListId: input.mailingListId,
      status: args.status ?? null,
      search: input.search,
      first: input.first ?? 50,
      after: input.after,
    });
  }

  /** Case-insensitive; returns how many leads changed. */
  markBounced(emails: string[]): Promise<number> {
    return this.leads.markBounced(parse(emailsSchema, emails, 'emails'), { by: this.by });
  }

  markDoNotMail(emails: string[]): Promise<number> {
    return this.leads.markDoNotMail(parse(emailsSchema, emails, 'emails'), { by: this.by });
  }

  /** Soft-deletes and takes the leads off every list; returns how many were deleted. */
  deleteLeads(emails: string[]): Promise<number> {
    return this.leads.deleteByEmails(parse(emailsSchema, emails, 'emails'), { by: this.by });
  }
}
