import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../graphql/pagination.ts';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { Lead, LeadStatus } from '../leads/lead.type.ts';
import { IgnoredReason, Outcome } from '../runs/run.type.ts';

export enum TimelineEventKind {
  RUN_RECORD = 'run_record',
  UNDO = 'undo',
  STATUS_CHANGED = 'status_changed',
  MEMBERSHIP_ADDED = 'membership_added',
  MEMBERSHIP_REMOVED = 'membership_removed',
}
registerEnumType(TimelineEventKind, {
  name: 'TimelineEventKind',
  description:
    'RUN_RECORD: what a run did with the address; UNDO: that run undone; STATUS_CHANGED, MEMBERSHIP_ADDED, ' +
    'MEMBERSHIP_REMOVED: by a person or the API (`apiKeyName`).',
});

@ObjectType({ simpleResolvers: true, description: 'A sync as the timeline names it.' })
export class TimelineSync {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Null when the sync has been deleted since.' })
  name!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A list as the timeline names it (its name at the time).' })
export class TimelineList {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One thing that touched the address.' })
export class TimelineEvent {
  @Field(() => TimelineEventKind)
  kind!: TimelineEventKind;

  @Field(() => DateTimeScalar, {
    description: "A run's records: the run's start; an undo: when it was undone.",
  })
  at!: Date;

  @Field(() => TimelineSync, { nullable: true })
  sync!: TimelineSync | null;

  @Field(() => ID, { nullable: true })
  runId!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "The run's number among its sync's real runs (1 = first).",
  })
  runNumber!: number | null;

  @Field(() => Outcome, { nullable: true })
  outcome!: Outcome | null;

  @Field(() => IgnoredReason, { nullable: true })
  reason!: IgnoredReason | null;

  @Field(() => String, { nullable: true })
  suggestion!: string | null;

  @Field(() => String, { nullable: true })
  sourceId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The address as the run recorded it; for INVALID_PATTERN, as the source wrote it.',
  })
  email!: string | null;

  @Field(() => LeadStatus, { nullable: true })
  fromStatus!: LeadStatus | null;

  @Field(() => LeadStatus, { nullable: true })
  toStatus!: LeadStatus | null;

  @Field(() => TimelineList, { nullable: true })
  mailingList!: TimelineList | null;

  @Field(() => String, { nullable: true, description: 'The API key (its name) that made the change.' })
  apiKeyName!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class TimelineEventEdge {
  @Field(() => TimelineEvent)
  node!: TimelineEvent;

  @Field(() => String)
  cursor!: string;
}

@ObjectType({ simpleResolvers: true })
export class TimelineEventConnection {
  @Field(() => [TimelineEventEdge])
  edges!: TimelineEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A list the lead is on, since when, added by which sync.' })
export class LeadMembership {
  @Field(() => TimelineList)
  mailingList!: TimelineList;

  @Field(() => DateTimeScalar)
  addedAt!: Date;

  @Field(() => TimelineSync, { nullable: true })
  addedBy!: TimelineSync | null;
}

@ObjectType({ simpleResolvers: true, description: "Who made the lead: a sync's run, or an API key." })
export class LeadOrigin {
  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => TimelineSync, { nullable: true })
  sync!: TimelineSync | null;

  @Field(() => ID, { nullable: true })
  runId!: string | null;

  @Field(() => String, { nullable: true })
  apiKeyName!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One address in the organization: the lead if there is one, and everything that touched it.',
})
export class LeadTimeline {
  @Field(() => String, { description: 'The address looked up, normalized (trimmed, lowercase).' })
  email!: string;

  @Field(() => Lead, { nullable: true })
  lead!: Lead | null;

  @Field(() => [LeadMembership])
  lists!: LeadMembership[];

  @Field(() => LeadOrigin, { nullable: true })
  createdBy!: LeadOrigin | null;

  @Field(() => TimelineEventConnection, { description: 'Newest first.' })
  events!: TimelineEventConnection;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "Run history before this time was pruned (the organization's retention); null while nothing was.",
  })
  historyPrunedBefore!: Date | null;
}
