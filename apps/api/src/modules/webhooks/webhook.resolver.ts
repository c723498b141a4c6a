import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { toWebhook, toWebhookDelivery } from './webhook.service.ts';
import { Webhook, WebhookDelivery, WebhookEvent } from './webhook.type.ts';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], {
    description: 'The organization’s webhooks (their secrets are never shown again).',
  })
  async webhooks(@Ctx() ctx: ApiContext): Promise<Webhook[]> {
    return (await ctx.services.webhooks.list()).map((row) => toWebhook(row));
  }

  @Mutation(() => Webhook, {
    description:
      'The URL’s host must be in LEADSYNC_ALLOWED_HOSTS. The answer carries the signing secret, shown this once.',
  })
  async createWebhook(
    @Arg('url', () => String) url: string,
    @Arg('events', () => [WebhookEvent]) events: WebhookEvent[],
    @Ctx() ctx: ApiContext,
  ): Promise<Webhook> {
    const created = await ctx.services.webhooks.create(url, events);
    return toWebhook(created.row, created.secret);
  }

  @Mutation(() => Boolean, {
    description: 'The webhook receives nothing more; pending deliveries are dropped.',
  })
  deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    return ctx.services.webhooks.delete(id);
  }

  @FieldResolver(() => [WebhookDelivery], { description: 'The delivery log, newest first.' })
  async deliveries(
    @Root() webhook: Webhook,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'At most 100.' })
    first: number | null,
    @Ctx() ctx: ApiContext,
  ): Promise<WebhookDelivery[]> {
    return (await ctx.services.webhooks.deliveries(webhook.id, first ?? 20)).map(toWebhookDelivery);
  }
}
