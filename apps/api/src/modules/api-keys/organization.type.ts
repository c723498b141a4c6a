import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: "The API key's organization." })
export class Organization {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}
