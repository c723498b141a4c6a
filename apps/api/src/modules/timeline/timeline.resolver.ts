import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { LeadTimeline } from './timeline.type.ts';

@Resolver(() => LeadTimeline)
export class TimelineResolver {
  @Query(() => LeadTimeline, {
    description:
      'Why is this person (not) on my list: the lead with this address (case-insensitive) if there is one, and every ' +
      'run record, status change, membership change and undo that touched the address, newest first.',
  })
  leadTimeline(
    @Arg('email', () => String) email: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<LeadTimeline> {
    return ctx.services.timeline.timeline({ email, first, after });
  }
}
