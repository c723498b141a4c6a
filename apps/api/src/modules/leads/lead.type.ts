import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../../graphql/pagination.ts';
import { JSONObjectScalar } from '../../graphql/scalars.ts';
import { LeadStatus } from '../core-enums.ts';

export { LeadStatus };

@ObjectType({
  simpleResolvers: true,
  description: 'A person in the organization, keyed by normalized email.',
})
export class Lead {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => LeadStatus)
  status!: LeadStatus;

  @Field(() => JSONObjectScalar)
  fields!: Record<string, unknown>;
}

@ObjectType({ simpleResolvers: true })
export class LeadEdge {
  @Field(() => Lead)
  node!: Lead;

  @Field(() => String)
  cursor!: string;
}

@ObjectType({ simpleResolvers: true })
export class LeadConnection {
  @Field(() => [LeadEdge])
  edges!: LeadEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
