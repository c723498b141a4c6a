import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars.ts';

export enum ApiKeyRole {
  ADMIN = 'admin',
  MEMBER = 'member',
}
registerEnumType(ApiKeyRole, {
  name: 'ApiKeyRole',
  valuesConfig: { ADMIN: { description: "Also manages the organization's API keys." } },
});

@ObjectType({
  simpleResolvers: true,
  description: 'An API key, masked: the key itself is shown once, when created.',
})
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ApiKeyRole)
  role!: ApiKeyRole;

  @Field(() => String, { description: 'The first characters of the key and an ellipsis.' })
  maskedKey!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'The plain key: returned here and never again.' })
  key!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Who is calling: the API key and its organization.' })
export class Viewer {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => ID)
  apiKeyId!: string;

  @Field(() => String)
  apiKeyName!: string;

  @Field(() => ApiKeyRole)
  role!: ApiKeyRole;
}
