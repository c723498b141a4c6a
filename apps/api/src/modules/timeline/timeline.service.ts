import {
  LeadTimelineRepository,
  type TimelineEntry,
  type LeadTimeline as TimelineRow,
} from '@leadsync/db/repositories';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { MAX_FIRST } from '../../graphql/pagination.ts';
import { parse } from '../../graphql/validation.ts';
import { toLead } from '../leads/lead.resolver.ts';
import type { LeadStatus } from '../leads/lead.type.ts';
import type { IgnoredReason, Outcome } from '../runs/run.type.ts';
import type { LeadTimeline, TimelineEvent, TimelineEventKind } from './timeline.type.ts';

const timelineArgs = z.object({
  email: z
    .string()
    .max(320, 'an email has at most 320 characters')
    .refine((email) => email.trim().length > 0, 'an email is required'),
  first: z.number().int().min(1, 'at least 1').max(MAX_FIRST, `at most ${MAX_FIRST}`).nullish(),
  after: z.string().max(500).nullish(),
});

export class TimelineService {
  private readonly timelines: LeadTimelineRepository;

  constructor(deps: ApiDeps, organizationId: string) {
    this.timelines = new LeadTimelineRepository(deps.db, organizationId);
  }

  /** One address's story in the organization, newest first; case-insensitive. */
  async timeline(args: {
    email: string;
    first?: number | null;
    after?: string | null;
  }): Promise<LeadTimeline> {
    const input = parse(timelineArgs, args, '');
    return toLeadTimeline(
      await this.timelines.timeline(input.email, { first: input.first ?? 50, after: input.after }),
    );
  }
}

function toLeadTimeline(row: TimelineRow): LeadTimeline {
  return {
    email: row.email,
    lead: row.lead ? toLead(row.lead) : null,
    lists: row.memberships.map((m) => ({
      mailingList: { id: m.mailingListId, name: m.mailingListName },
      addedAt: m.addedAt,
      addedBy: m.addedBySyncId ? { id: m.addedBySyncId, name: m.addedBySyncName } : null,
    })),
    createdBy: row.createdBy
      ? {
          at: row.createdBy.at,
          sync: row.createdBy.syncId ? { id: row.createdBy.syncId, name: row.createdBy.syncName } : null,
          runId: row.createdBy.runId,
          apiKeyName: row.createdBy.apiKeyName,
        }
      : null,
    historyPrunedBefore: row.historyPrunedBefore,
    events: {
      edges: row.events.edges.map((edge) => ({ node: toEvent(edge.node), cursor: edge.cursor })),
      pageInfo: row.events.pageInfo,
      totalCount: row.events.totalCount,
    },
  };
}

function toEvent(entry: TimelineEntry): TimelineEvent {
  return {
    kind: entry.kind as TimelineEventKind,
    at: entry.at,
    sync: entry.syncId ? { id: entry.syncId, name: entry.syncName } : null,
    runId: entry.runId,
    runNumber: entry.runNumber,
    outcome: entry.outcome as Outcome | null,
    reason: entry.reason as IgnoredReason | null,
    suggestion: entry.suggestion,
    sourceId: entry.sourceId,
    email: entry.email,
    fromStatus: entry.fromStatus as LeadStatus | null,
    toStatus: entry.toStatus as LeadStatus | null,
    mailingList: entry.mailingListId ? { id: entry.mailingListId, name: entry.mailingListName } : null,
    apiKeyName: entry.apiKeyName,
  };
}
