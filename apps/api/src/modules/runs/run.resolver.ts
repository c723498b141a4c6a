import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { toSyncRun } from './run.service.ts';
import { IgnoredReason, Outcome, RunRecordConnection, SyncRun } from './run.type.ts';

@Resolver(() => SyncRun)
export class RunResolver {
  @Query(() => SyncRun, { nullable: true })
  async syncRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<SyncRun | null> {
    const row = await ctx.services.runs.find(id);
    return row ? toSyncRun(row) : null;
  }

  @Mutation(() => SyncRun, {
    description:
      "Reverses the sync's latest real run, but only what is still as the run left it: leads it created are removed, " +
      're-added ones deleted again, memberships and overwritten fields restored. A lead bounced or do-not-mail since ' +
      "stays so, and another sync's or a person's later changes stay; `undoReport` says what was kept and why. " +
      'Refused while a run of the sync executes.',
  })
  async undoSyncRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<SyncRun> {
    return toSyncRun(await ctx.services.runs.undo(id));
  }

  @FieldResolver(() => RunRecordConnection)
  async records(
    @Root() run: SyncRun,
    @Arg('outcome', () => Outcome, { nullable: true }) outcome: Outcome | null,
    @Arg('reason', () => IgnoredReason, { nullable: true }) reason: IgnoredReason | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<RunRecordConnection> {
    const page = await ctx.services.runs.recordsOf(run.id, { outcome, reason, first, after });
    return {
      edges: page.edges.map((edge) => ({
        cursor: edge.cursor,
        node: {
          sourceId: edge.node.sourceId,
          email: edge.node.email,
          outcome: edge.node.outcome as Outcome,
          reason: edge.node.reason as IgnoredReason | null,
          suggestion: edge.node.suggestion,
        },
      })),
      pageInfo: page.pageInfo,
      totalCount: page.totalCount,
    };
  }
}
