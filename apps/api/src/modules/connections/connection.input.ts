import { Field, InputType } from 'type-graphql';
import { JSONObjectScalar } from '../../graphql/scalars.ts';

@InputType()
export class CreateConnectionInput {
  @Field(() => String)
  connector!: string;

  @Field(() => String)
  name!: string;

  @Field(() => JSONObjectScalar)
  credentials!: Record<string, unknown>;

  @Field(() => JSONObjectScalar, { nullable: true })
  settings?: Record<string, unknown> | null;
}
