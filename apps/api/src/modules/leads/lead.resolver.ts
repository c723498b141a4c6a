import type { Lead as LeadRow } from '@leadsync/db/schema';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { Lead, LeadConnection, LeadStatus } from './lead.type.ts';

export function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    status: row.status as LeadStatus,
    fields: row.fields,
  };
}

@Resolver(() => Lead)
export class LeadResolver {
  @Query(() => LeadConnection)
  async leads(
    @Arg('mailingListId', () => ID, { nullable: true }) mailingListId: string | null,
    @Arg('status', () => LeadStatus, { nullable: true }) status: LeadStatus | null,
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<LeadConnection> {
    const page = await ctx.services.leads.search({ mailingListId, status, search, first, after });
    return {
      edges: page.edges.map((edge) => ({ node: toLead(edge.node), cursor: edge.cursor })),
      pageInfo: page.pageInfo,
      totalCount: page.totalCount,
    };
  }

  @Mutation(() => Int, {
    description: 'Marks leads bounced (case-insensitive emails); returns how many changed.',
  })
  markBounced(@Arg('emails', () => [String]) emails: string[], @Ctx() ctx: ApiContext): Promise<number> {
    return ctx.services.leads.markBounced(emails);
  }

  @Mutation(() => Int, {
    description: 'Marks leads do-not-mail (case-insensitive emails); returns how many changed.',
  })
  markDoNotMail(@Arg('emails', () => [String]) emails: string[], @Ctx() ctx: ApiContext): Promise<number> {
    return ctx.services.leads.markDoNotMail(emails);
  }

  @Mutation(() => Int, { description: 'Soft-deletes leads and takes them off every list; returns how many.' })
  deleteLeads(@Arg('emails', () => [String]) emails: string[], @Ctx() ctx: ApiContext): Promise<number> {
    return ctx.services.leads.deleteLeads(emails);
  }
}
