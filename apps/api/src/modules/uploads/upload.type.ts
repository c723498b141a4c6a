import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars.ts';

@ObjectType({
  simpleResolvers: true,
  description:
    'A file uploaded in chunks (`POST /uploads`, `PUT /uploads/<id>`); complete once every byte has arrived.',
})
export class FileUpload {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Float, { description: 'Bytes.' })
  size!: number;

  @Field(() => Float, { description: 'Bytes received: where a dropped upload goes on.' })
  receivedBytes!: number;

  @Field(() => Boolean)
  complete!: boolean;

  @Field(() => String, { nullable: true, description: 'Hex SHA-256 of the whole file, once complete.' })
  sha256!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class SettingChoice {
  @Field(() => String)
  value!: string;

  @Field(() => String)
  label!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A setting a person may change after seeing what was detected.',
})
export class SettingOption {
  @Field(() => String, { description: 'The settings key.' })
  key!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String, { description: 'The value in effect (given, or detected).' })
  value!: string;

  @Field(() => Boolean, { description: 'Whether the value was detected rather than given.' })
  detected!: boolean;

  @Field(() => [SettingChoice])
  choices!: SettingChoice[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'What a connector makes of proposed settings before the connection is created.',
})
export class SettingsPreview {
  @Field(() => JSONObjectScalar, { description: 'The settings with every detected option filled in.' })
  settings!: Record<string, unknown>;

  @Field(() => [SettingOption])
  options!: SettingOption[];

  @Field(() => [String])
  columns!: string[];

  @Field(() => [[String]], { description: 'The first records, as text, by column.' })
  rows!: string[][];

  @Field(() => Int, { nullable: true })
  estimatedRecords!: number | null;
}
