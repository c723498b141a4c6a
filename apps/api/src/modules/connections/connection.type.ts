import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum ConnectionStatus {
  ACTIVE = 'active',
  NEEDS_NEW_KEY = 'needs_new_key',
  /** The key works but lacks a permission or scope at the source; its syncs keep running once it is granted. */
  NEEDS_PERMISSION = 'needs_permission',
}
registerEnumType(ConnectionStatus, { name: 'ConnectionStatus' });

@ObjectType({
  simpleResolvers: true,
  description: "An organization's account at a source. Credentials are never returned.",
})
export class Connection {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The connector id, e.g. `zoho-invoice` or `csv`.' })
  connector!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ConnectionStatus)
  status!: ConnectionStatus;

  @Field(() => String, { nullable: true })
  primaryEmail!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why the connection needs a new key, for a person (e.g. the account's primary email changed; masked).",
  })
  statusReason!: string | null;

  @Field(() => String, { nullable: true, description: 'At most the last 4 characters of the account key.' })
  maskedKey!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class SourceOrganization {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A field of the source, for mapping and criteria.' })
export class SourceField {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String)
  type!: string;

  @Field(() => String, {
    description: '`list`: every page carries it; `detail`: one extra request per record.',
  })
  availability!: string;

  @Field(() => Boolean)
  custom!: boolean;
}
