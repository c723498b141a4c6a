import { Field, ID, InputType, Int } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars.ts';
import { Frequency, ImportMode, UpdatePolicy } from './sync.type.ts';

@InputType()
export class FieldMappingInput {
  @Field(() => String)
  source!: string;

  @Field(() => String)
  target!: string;
}

@InputType()
export class ScheduleInput {
  @Field(() => Frequency)
  frequency!: Frequency;

  @Field(() => String, { nullable: true })
  time?: string | null;

  @Field(() => String)
  timeZone!: string;

  @Field(() => Int, { nullable: true })
  weekday?: number | null;

  @Field(() => Int, { nullable: true })
  dayOfMonth?: number | null;
}

@InputType()
export class CreateSyncInput {
  @Field(() => String)
  name!: string;

  @Field(() => ID)
  connectionId!: string;

  @Field(() => ID)
  sourceOrganizationId!: string;

  @Field(() => ImportMode, { description: 'Fixed at creation.' })
  importMode!: ImportMode;

  @Field(() => JSONObjectScalar, { nullable: true })
  criteria?: Record<string, unknown> | null;

  @Field(() => ID)
  mailingListId!: string;

  @Field(() => [FieldMappingInput])
  fieldMapping!: FieldMappingInput[];

  @Field(() => ScheduleInput)
  schedule!: ScheduleInput;

  @Field(() => DateTimeScalar, { nullable: true })
  retrieveFrom?: Date | null;

  @Field(() => UpdatePolicy, { nullable: true, defaultValue: UpdatePolicy.OVERWRITE })
  updatePolicy?: UpdatePolicy | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'Read only the records the source calls active (a connector with `activeOnlyReads`); by default every ' +
      'record, inactive ones too.',
  })
  activeRecordsOnly?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'A draft saved part-way through the wizard: the step to continue at (0–3). At 0 or 1 the mapping may ' +
      'still be empty; initiating needs it.',
  })
  setupStep?: number | null;
}
