import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JSONObjectScalar } from '../../graphql/scalars.ts';

@ObjectType({
  simpleResolvers: true,
  description: 'A connector whose settings name an uploaded file: the console offers an upload for it.',
})
export class ConnectorFileSetting {
  @Field(() => String, { description: 'The settings key that takes the upload id (e.g. `fileId`).' })
  key!: string;

  @Field(() => String, { nullable: true, description: "The settings key that takes the file's name." })
  nameKey!: string | null;

  @Field(() => String)
  label!: string;

  @Field(() => String, { nullable: true, description: "For a file picker's `accept`." })
  accept!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A source app Leadsync can import leads from.' })
export class Connector {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => Int, { nullable: true, description: 'How far back a first run may reach, in days.' })
  maxLookbackDays!: number | null;

  @Field(() => Boolean, { description: 'Whether records removed at the source become `DELETED` outcomes.' })
  detectsDeletes!: boolean;

  @Field(() => Boolean, {
    description: 'A sync may read only the records the source calls active (`Sync.activeRecordsOnly`).',
  })
  activeOnlyReads!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'What a person must do at the source to connect it, one step a line (null: nothing to do); the same as `spec.help`.',
  })
  setupHelp!: string | null;

  @Field(() => JSONObjectScalar, {
    nullable: true,
    description:
      "The connection form as data: `{ help, links, accountKey, credentials, settings }`, the last two JSON Schema objects whose properties have a `title`, a `description`, `writeOnly` for secrets, `oneOf` choices, `format` (`file-upload`: an uploaded file's id) and `advanced` (null: the connector gives none).",
  })
  spec!: Record<string, unknown> | null;

  @Field(() => ConnectorFileSetting, {
    nullable: true,
    description: 'Set when the settings name an uploaded file.',
  })
  fileSetting!: ConnectorFileSetting | null;
}
