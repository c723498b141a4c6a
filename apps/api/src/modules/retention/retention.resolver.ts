import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { Organization } from '../api-keys/organization.type.ts';

@Resolver(() => Organization)
export class RetentionResolver {
  @FieldResolver(() => Int, {
    description:
      "Run records older than this many days are pruned by the worker (the runs' totals are kept).",
  })
  async runRecordRetentionDays(@Root() _organization: Organization, @Ctx() ctx: ApiContext): Promise<number> {
    return (await ctx.services.retention.get()).runRecordRetentionDays;
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description: 'Run history before this time has been pruned; null while nothing has been.',
  })
  async runRecordsPrunedBefore(
    @Root() _organization: Organization,
    @Ctx() ctx: ApiContext,
  ): Promise<Date | null> {
    return (await ctx.services.retention.get()).runRecordsPrunedBefore;
  }

  @Mutation(() => Organization, {
    description: 'Admin only. Days (1 to 36500, default 400) after which run records are pruned.',
  })
  async updateRunRecordRetention(
    @Arg('days', () => Int) days: number,
    @Ctx() ctx: ApiContext,
  ): Promise<Organization> {
    const row = await ctx.services.retention.setRunRecordRetention(days);
    return { id: row.id, name: row.name };
  }
}
