import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars.ts';
import type { SyncRun } from '../runs/run.type.ts';

export enum ImportMode {
  ALL = 'all',
  CRITERIA = 'criteria',
}
registerEnumType(ImportMode, { name: 'ImportMode' });

export enum Frequency {
  ONCE = 'ONCE',
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
}
registerEnumType(Frequency, { name: 'Frequency' });

export enum SyncStatus {
  DRAFT = 'draft',
  ACTIVE = 'active',
  INACTIVE = 'inactive',
}
registerEnumType(SyncStatus, { name: 'SyncStatus' });

export enum UpdatePolicy {
  OVERWRITE = 'overwrite',
  FILL_EMPTY = 'fill_empty',
  NEVER = 'never',
}
registerEnumType(UpdatePolicy, {
  name: 'UpdatePolicy',
  valuesConfig: {
    OVERWRITE: { description: "Mapped fields replace the lead's values." },
    FILL_EMPTY: { description: 'Only fields the lead does not have yet.' },
    NEVER: { description: 'List membership only.' },
  },
});

@ObjectType({ simpleResolvers: true })
export class FieldMapping {
  @Field(() => String, { description: 'A source field key.' })
  source!: string;

  @Field(() => String, { description: '`email`, `firstName`, `lastName` or `fields.<name>`.' })
  target!: string;
}

@ObjectType({ simpleResolvers: true })
export class Schedule {
  @Field(() => Frequency)
  frequency!: Frequency;

  @Field(() => String, { nullable: true, description: 'Local time `HH:mm`.' })
  time!: string | null;

  @Field(() => String, { description: 'IANA time zone.' })
  timeZone!: string;

  @Field(() => Int, { nullable: true })
  weekday!: number | null;

  @Field(() => Int, { nullable: true })
  dayOfMonth!: number | null;
}

/** The GraphQL `Sync`; `connection`, `mailingList`, `lastRun` and `runs` are resolved from the ids below. */
@ObjectType({ simpleResolvers: true, description: 'A sync from a source organization into a mailing list.' })
export class Sync {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => SyncStatus)
  status!: SyncStatus;

  @Field(() => String, { nullable: true })
  inactiveReason!: string | null;

  @Field(() => ID)
  sourceOrganizationId!: string;

  @Field(() => ImportMode)
  importMode!: ImportMode;

  @Field(() => JSONObjectScalar, { nullable: true })
  criteria!: Record<string, unknown> | null;

  @Field(() => [FieldMapping])
  fieldMapping!: FieldMapping[];

  @Field(() => Schedule)
  schedule!: Schedule;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'Records created or changed since then are read by a full read. Defaults to the earliest day the source ' +
      "allows (the sync's creation minus the connector's maxLookbackDays); null only for a source without a limit " +
      '(everything).',
  })
  retrieveFrom!: Date | null;

  @Field(() => Boolean, {
    description:
      'The next run reads the whole retrieval window (the first run, or after a change of criteria, mapping or ' +
      'retrieval date); otherwise it reads what changed since the last run.',
  })
  fullRereadPending!: boolean;

  @Field(() => Int, {
    nullable: true,
    description:
      "A draft's wizard step to continue at (0 details, 1 mapping, 2 schedule, 3 review); null otherwise.",
  })
  setupStep!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  nextRunAt!: Date | null;

  @Field(() => UpdatePolicy)
  updatePolicy!: UpdatePolicy;

  @Field(() => Int, {
    description:
      "The mass-deletion guard: a run whose source stops listing more than this share (percent) of the sync's " +
      'records deletes nothing and warns (`SyncRun.warning`) until a person confirms. Default 50; 100 turns it off.',
  })
  deletionGuardPercent!: number;

  @Field(() => Boolean, {
    description:
      '`confirmSyncDeletions` was called and no run has used it yet: the next run deletes what it finds.',
  })
  deletionsConfirmed!: boolean;

  @Field(() => Int, {
    description:
      'Deletions at the source are looked for by a full listing at most once per this many hours (default 24; 0: every run), and not when the source quota is low.',
  })
  deletionCheckHours!: number;

  @Field(() => Boolean, {
    description:
      'The sync reads only the records the source calls active (Zoho Invoice: `filter_by=Status.Active`); by ' +
      'default every record, inactive ones too (an inactive record is not a deleted one).',
  })
  activeRecordsOnly!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  connectionId!: string;
  mailingListId!: string;
  /** Set by the list that made this sync when its selection asked for `lastRun` (read for that selection). */
  prefetchedLastRun?: SyncRun | null;
}

@ObjectType({ simpleResolvers: true, description: "A source account's daily API quota." })
export class SourceDailyQuota {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int, {
    description: 'May be negative: a source may go on answering past its quota for a while.',
  })
  remaining!: number;

  @Field(() => DateTimeScalar)
  resetAt!: Date;
}

@ObjectType({
  simpleResolvers: true,
  description: 'What a run of the sync would cost at the source right now.',
})
export class CostEstimate {
  @Field(() => Int)
  records!: number;

  @Field(() => Int, { description: 'Requests to the source (list pages, detail requests).' })
  requests!: number;

  @Field(() => Int, { nullable: true, description: 'Of `requests`, the list pages (null: not told).' })
  listRequests!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Of `requests`, one per record for fields a list page lacks (null: not told).',
  })
  detailRequests!: number | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The full listing that looks for deletions, when this run would make one (0: not due).',
  })
  deletionRequests!: number | null;

  @Field(() => String, {
    nullable: true,
    description: '`about`: from what the last run learned or a short count; `unknown`: a lower bound only.',
  })
  accuracy!: string | null;

  @Field(() => SourceDailyQuota, {
    nullable: true,
    description: "The source account's daily quota as last seen; null when not known.",
  })
  dailyQuota!: SourceDailyQuota | null;
}
