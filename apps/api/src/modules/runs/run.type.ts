import { MAX_REJECTION_LENGTH, MAX_RUN_REJECTIONS } from '@leadsync/db/schema';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../graphql/pagination.ts';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { IgnoredReason, Outcome } from '../core-enums.ts';

export enum RunStatus {
  QUEUED = 'queued',
  RUNNING = 'running',
  /** Waiting for a source's daily quota; `waitingUntil` says when it goes on by itself. */
  WAITING = 'waiting',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}
registerEnumType(RunStatus, { name: 'RunStatus' });

export { IgnoredReason, Outcome };

@ObjectType({
  simpleResolvers: true,
  description: '`total = newLeads + reAdded + duplicate + ignored`; `deleted` is counted apart.',
})
export class RunTotals {
  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  newLeads!: number;

  @Field(() => Int)
  reAdded!: number;

  @Field(() => Int)
  duplicate!: number;

  @Field(() => Int)
  ignored!: number;

  @Field(() => Int)
  deleted!: number;
}

@ObjectType({ simpleResolvers: true })
export class IgnoredBreakdown {
  @Field(() => Int)
  bounced!: number;

  @Field(() => Int)
  doNotMail!: number;

  @Field(() => Int)
  groupEmail!: number;

  @Field(() => Int)
  fileDuplicate!: number;

  @Field(() => Int)
  emptyEmail!: number;

  @Field(() => Int)
  invalidPattern!: number;
}

export enum UndoKeptReason {
  SUPPRESSED = 'suppressed',
  CHANGED_AFTER_RUN = 'changed_after_run',
  HELD_BY_OTHER_SYNC = 'held_by_other_sync',
  HELD_BY_PERSON = 'held_by_person',
  ON_OTHER_LIST = 'on_other_list',
}
registerEnumType(UndoKeptReason, {
  name: 'UndoKeptReason',
  description: 'Why undo left a change in place.',
  valuesConfig: {
    SUPPRESSED: { description: 'The lead is bounced or do-not-mail now; it stays so, off the list.' },
    CHANGED_AFTER_RUN: {
      description: 'The lead was written after the run (a person or another sync): kept.',
    },
    HELD_BY_OTHER_SYNC: { description: 'Another sync holds the lead.' },
    HELD_BY_PERSON: { description: 'A person put the lead on the list.' },
    ON_OTHER_LIST: { description: 'The lead is on another list.' },
  },
});

@ObjectType({ simpleResolvers: true })
export class UndoKeptCount {
  @Field(() => UndoKeptReason)
  reason!: UndoKeptReason;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true })
export class UndoKeptLead {
  @Field(() => String)
  email!: string;

  @Field(() => UndoKeptReason)
  reason!: UndoKeptReason;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'What undoing the run reversed, and what it kept because it changed after the run (each lead counted once).',
})
export class UndoReport {
  @Field(() => Int, { description: 'Leads whose change by the run was reversed.' })
  reversed!: number;

  @Field(() => Int, { description: 'Leads whose change by the run was (at least partly) kept.' })
  kept!: number;

  @Field(() => [UndoKeptCount])
  keptByReason!: UndoKeptCount[];

  @Field(() => [UndoKeptLead], { description: 'The kept leads by email, at most 100.' })
  keptLeads!: UndoKeptLead[];
}

@ObjectType({ simpleResolvers: true, description: 'Source records read and classified so far.' })
export class RunProgress {
  @Field(() => Int)
  read!: number;

  @Field(() => Int)
  processed!: number;
}

@ObjectType({ simpleResolvers: true, description: 'What a run did with one source record.' })
export class RunRecord {
  @Field(() => String)
  sourceId!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => Outcome)
  outcome!: Outcome;

  @Field(() => IgnoredReason, { nullable: true })
  reason!: IgnoredReason | null;

  @Field(() => String, { nullable: true, description: 'For a likely typo: the address it probably meant.' })
  suggestion!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class RunRecordEdge {
  @Field(() => RunRecord)
  node!: RunRecord;

  @Field(() => String)
  cursor!: string;
}

@ObjectType({ simpleResolvers: true })
export class RunRecordConnection {
  @Field(() => [RunRecordEdge])
  edges!: RunRecordEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType({ simpleResolvers: true, description: 'One execution of a sync.' })
export class SyncRun {
  @Field(() => ID)
  id!: string;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => RunTotals)
  totals!: RunTotals;

  @Field(() => IgnoredBreakdown)
  ignoredBreakdown!: IgnoredBreakdown;

  @Field(() => Boolean, { description: 'A preview: classified everything, wrote nothing.' })
  dryRun!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  undoneAt!: Date | null;

  @Field(() => UndoReport, { nullable: true, description: 'Set once the run is undone.' })
  undoReport!: UndoReport | null;

  @Field(() => Int, {
    description:
      "Deletions the mass-deletion guard held back: the source stopped listing more of the sync's records than its " +
      '`deletionGuardPercent` allows. Nothing was deleted; `confirmSyncDeletions` lets the next run delete them.',
  })
  heldDeletions!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Something the run did not do on its own, for a person.',
  })
  warning!: string | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "WAITING: when the run goes on by itself (the source account's daily quota resets then).",
  })
  waitingUntil!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'WAITING: why, e.g. "daily API quota of the Zoho account reached".',
  })
  waitingReason!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Whether the run looked for records deleted at the source (a full listing, at most once per the sync's deletion period and not when the quota is low); null: the source cannot tell deletions.",
  })
  deletionsChecked!: boolean | null;

  @Field(() => RunProgress)
  progress!: RunProgress;

  @Field(() => Int, {
    description:
      'Mapped values that held text the database cannot store (a NUL character, a broken UTF-16 surrogate) and ' +
      'were cleaned before they were written (NUL removed, a broken character replaced by U+FFFD).',
  })
  cleanedFields!: number;

  @Field(() => Int, {
    description:
      'Source records the connector could not read and skipped (a malformed line of a CSV file); the rest of the ' +
      'source was imported.',
  })
  rejectedCount!: number;

  @Field(() => [String], {
    description:
      `Why, for the first ${MAX_RUN_REJECTIONS} of the rejected records (\`rejectedCount\` counts them all), in source ` +
      'order, as the connector said it: a sentence that names the line and the problem, never the content ' +
      '("The row on line 734512 is not valid CSV: a quote is never closed."). At most ' +
      `${MAX_REJECTION_LENGTH} characters each.`,
  })
  rejections!: string[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => String, { description: '`manual`, `initiate` (the first import), `schedule` or `preview`.' })
  trigger!: string;

  @Field(() => ID)
  syncId!: string;
}

@ObjectType({ simpleResolvers: true })
export class SyncRunEdge {
  @Field(() => SyncRun)
  node!: SyncRun;

  @Field(() => String)
  cursor!: string;
}

@ObjectType({ simpleResolvers: true })
export class SyncRunConnection {
  @Field(() => [SyncRunEdge])
  edges!: SyncRunEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
