import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars.ts';
import { columnsOf, mapMaybePromise, selectedFields, selectedFieldsAt } from '../../graphql/selection.ts';
import { connectionNotFound } from '../connections/connection.errors.ts';
import { toConnection } from '../connections/connection.service.ts';
import { Connection } from '../connections/connection.type.ts';
import { mailingListNotFound } from '../mailing-lists/mailing-list.errors.ts';
import { MailingList } from '../mailing-lists/mailing-list.type.ts';
import { RUN_BASE_COLUMNS, RUN_FIELD_COLUMNS, toSyncRun } from '../runs/run.service.ts';
import { SyncRun, SyncRunConnection } from '../runs/run.type.ts';
import { CreateSyncInput, FieldMappingInput, ScheduleInput } from './sync.input.ts';
import { SYNC_BASE_COLUMNS, SYNC_FIELD_COLUMNS, toSync } from './sync.service.ts';
import { CostEstimate, ImportMode, Sync, UpdatePolicy } from './sync.type.ts';

@Resolver(() => Sync)
export class SyncResolver {
  @Query(() => [Sync])
  async syncs(@Ctx() ctx: ApiContext, @Info() info: GraphQLResolveInfo): Promise<Sync[]> {
    // What the selection reads, in one statement per table for the whole list (issue 22): the columns of `syncs`
    // its fields read, then the relations it names, so that each sync's `connection`, `mailingList` and `lastRun`
    // is answered without a promise. The rows hold only the selection's columns: these Sync objects serve it alone.
    const selected = selectedFields(info.fieldNodes, info.fragments);
    const rows = await ctx.services.syncs.list(
      columnsOf(selected.keys(), SYNC_FIELD_COLUMNS, SYNC_BASE_COLUMNS),
    );
    const syncs = rows.map(toSync);
    const lastRun = selected.get('lastRun');
    await Promise.all([
      selected.has('connection') && ctx.loaders.connection.prefetch(syncs.map((sync) => sync.connectionId)),
      selected.has('mailingList') &&
        ctx.loaders.mailingList.prefetch(syncs.map((sync) => sync.mailingListId)),
      lastRun &&
        ctx.services.runs
          .latestOf(
            syncs.map((sync) => sync.id),
            columnsOf(selectedFields(lastRun, info.fragments).keys(), RUN_FIELD_COLUMNS, RUN_BASE_COLUMNS),
          )
          .then((runs) => {
            for (const sync of syncs) {
              const run = runs.get(sync.id);
              sync.prefetchedLastRun = run ? toSyncRun(run) : null;
            }
          }),
    ]);
    return syncs;
  }

  @Query(() => Sync, { nullable: true })
  async sync(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Sync | null> {
    const row = await ctx.services.syncs.find(id);
    return row ? toSync(row) : null;
  }

  @Query(() => CostEstimate, {
    nullable: true,
    description:
      'What a run would cost at the source now (null: the connector cannot tell). Reads the source.',
  })
  syncCostEstimate(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<CostEstimate | null> {
    return ctx.services.syncs.estimateCost(id);
  }

  @FieldResolver(() => Connection)
  connection(@Root() sync: Sync, @Ctx() ctx: ApiContext): Connection | Promise<Connection> {
    return mapMaybePromise(ctx.loaders.connection.get(sync.connectionId), (row) => {
      if (!row) throw connectionNotFound(sync.connectionId);
      return toConnection(row);
    });
  }

  @FieldResolver(() => MailingList)
  mailingList(@Root() sync: Sync, @Ctx() ctx: ApiContext): MailingList | Promise<MailingList> {
    return mapMaybePromise(ctx.loaders.mailingList.get(sync.mailingListId), (row) => {
      if (!row) throw mailingListNotFound(sync.mailingListId);
      return row;
    });
  }

  @FieldResolver(() => SyncRun, { nullable: true, description: 'The newest real (not preview) run.' })
  lastRun(@Root() sync: Sync, @Ctx() ctx: ApiContext): SyncRun | null | Promise<SyncRun | null> {
    if (sync.prefetchedLastRun !== undefined) return sync.prefetchedLastRun;
    return mapMaybePromise(ctx.loaders.lastRun.get(sync.id), (row) => (row ? toSyncRun(row) : null));
  }

  @FieldResolver(() => SyncRunConnection, { description: 'Real runs, newest first.' })
  async runs(
    @Root() sync: Sync,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ApiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<SyncRunConnection> {
    // The columns the nodes' selection reads (the console's history asks 50 runs without their rejection reasons).
    const nodeFields = selectedFieldsAt(info.fieldNodes, info.fragments, ['edges', 'node']);
    const columns = columnsOf(nodeFields.keys(), RUN_FIELD_COLUMNS, RUN_BASE_COLUMNS);
    const page = await ctx.services.runs.listBySync(sync.id, { first, after }, columns);
    return {
      edges: page.edges.map((edge) => ({ node: toSyncRun(edge.node), cursor: edge.cursor })),
      pageInfo: page.pageInfo,
      totalCount: page.totalCount,
    };
  }

  @Mutation(() => Sync, { description: 'A new sync in status DRAFT.' })
  async createSync(
    @Arg('input', () => CreateSyncInput) input: CreateSyncInput,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(await ctx.services.syncs.create(input));
  }

  @Mutation(() => Sync, {
    description: "Save and continue: replaces a DRAFT's definition (and the wizard step to continue at).",
  })
  async updateSyncDraft(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => CreateSyncInput) input: CreateSyncInput,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(await ctx.services.syncs.updateDraft(id, input));
  }

  @Mutation(() => Sync, {
    description: 'ACTIVE: the first import starts now (a queued run), then the schedule.',
  })
  async initiateSync(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Sync> {
    return toSync(await ctx.services.syncs.initiate(id));
  }

  @Mutation(() => SyncRun, { description: 'QUEUED; the worker runs it.' })
  async runSyncNow(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<SyncRun> {
    return toSyncRun(await ctx.services.syncs.runNow(id));
  }

  @Mutation(() => SyncRun, { description: 'A dry run: classifies everything, writes nothing.' })
  async previewSync(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<SyncRun> {
    return toSyncRun(await ctx.services.syncs.preview(id));
  }

  @Mutation(() => Sync)
  async updateSyncMapping(
    @Arg('id', () => ID) id: string,
    @Arg('fieldMapping', () => [FieldMappingInput]) fieldMapping: FieldMappingInput[],
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(await ctx.services.syncs.updateMapping(id, fieldMapping));
  }

  @Mutation(() => Sync, {
    description:
      'Schedule, retrieval window, criteria values and whether only active records are read; not the import mode.',
  })
  async updateSyncRetrieval(
    @Arg('id', () => ID) id: string,
    @Arg('schedule', () => ScheduleInput, { nullable: true }) schedule: ScheduleInput | null | undefined,
    @Arg('retrieveFrom', () => DateTimeScalar, { nullable: true }) retrieveFrom: Date | null | undefined,
    @Arg('criteria', () => JSONObjectScalar, { nullable: true }) criteria:
      | Record<string, unknown>
      | null
      | undefined,
    @Arg('importMode', () => ImportMode, {
      nullable: true,
      description: 'Only the current mode is accepted: the import mode is fixed at creation.',
    })
    importMode: ImportMode | null | undefined,
    @Arg('activeRecordsOnly', () => Boolean, {
      nullable: true,
      description: 'Read only the records the source calls active; a change re-reads the whole window.',
    })
    activeRecordsOnly: boolean | null | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(
      await ctx.services.syncs.updateRetrieval(id, {
        schedule,
        retrieveFrom,
        criteria,
        importMode,
        activeRecordsOnly,
      }),
    );
  }

  @Mutation(() => Sync, { description: "Sets the sync's deletion period (hours between full listings)." })
  async updateSyncDeletionCheck(
    @Arg('id', () => ID) id: string,
    @Arg('hours', () => Int) hours: number,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(await ctx.services.syncs.updateDeletionCheck(id, hours));
  }

  @Mutation(() => Sync)
  async updateSyncPolicy(
    @Arg('id', () => ID) id: string,
    @Arg('updatePolicy', () => UpdatePolicy) updatePolicy: UpdatePolicy,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(await ctx.services.syncs.updatePolicy(id, updatePolicy));
  }

  @Mutation(() => Sync, {
    description: "Sets the share (percent, 0-100) of the sync's records that one run may delete unconfirmed.",
  })
  async updateSyncDeletionGuard(
    @Arg('id', () => ID) id: string,
    @Arg('percent', () => Int) percent: number,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(await ctx.services.syncs.updateDeletionGuard(id, percent));
  }

  @Mutation(() => Sync, {
    description:
      'Confirms the deletions the mass-deletion guard held back (`SyncRun.heldDeletions`): the next run deletes them.',
  })
  async confirmSyncDeletions(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Sync> {
    return toSync(await ctx.services.syncs.confirmDeletions(id));
  }

  @Mutation(() => Sync)
  async renameSync(
    @Arg('id', () => ID) id: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync> {
    return toSync(await ctx.services.syncs.updateName(id, name));
  }

  @Mutation(() => Sync)
  async activateSync(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Sync> {
    return toSync(await ctx.services.syncs.activate(id));
  }

  @Mutation(() => Sync)
  async deactivateSync(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Sync> {
    return toSync(await ctx.services.syncs.deactivate(id));
  }

  @Mutation(() => [Sync], { description: 'Activates every inactive sync of the connection.' })
  async activateAllSyncs(
    @Arg('connectionId', () => ID) connectionId: string,
    @Ctx() ctx: ApiContext,
  ): Promise<Sync[]> {
    return (await ctx.services.syncs.activateAll(connectionId)).map(toSync);
  }

  @Mutation(() => Boolean)
  deleteSync(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    return ctx.services.syncs.delete(id);
  }
}
