import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { MailingList } from './mailing-list.type.ts';

@Resolver(() => MailingList)
export class MailingListResolver {
  @Query(() => [MailingList])
  mailingLists(@Ctx() ctx: ApiContext): Promise<MailingList[]> {
    return ctx.services.mailingLists.list();
  }

  @Mutation(() => MailingList)
  createMailingList(@Arg('name', () => String) name: string, @Ctx() ctx: ApiContext): Promise<MailingList> {
    return ctx.services.mailingLists.create(name);
  }
}
