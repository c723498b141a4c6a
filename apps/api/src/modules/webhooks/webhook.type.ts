import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars.ts';

export enum WebhookEvent {
  RUN_SUCCEEDED = 'RUN_SUCCEEDED',
  RUN_FAILED = 'RUN_FAILED',
  CONNECTION_NEEDS_NEW_KEY = 'CONNECTION_NEEDS_NEW_KEY',
}
registerEnumType(WebhookEvent, { name: 'WebhookEvent' });

export enum WebhookDeliveryStatus {
  PENDING = 'pending',
  DELIVERED = 'delivered',
  FAILED = 'failed',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });

@ObjectType({
  simpleResolvers: true,
  description: 'One event sent (or being sent) to a webhook: the delivery log.',
})
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => WebhookEvent)
  event!: WebhookEvent;

  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError!: string | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer.' })
  lastStatusCode!: number | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'While pending: when the next attempt is due.',
  })
  nextAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: Date | null;
}

@ObjectType({
  description:
    'Where Leadsync POSTs events, signed with `Leadsync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.',
})
export class Webhook {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [WebhookEvent])
  events!: WebhookEvent[];

  @Field(() => String, {
    nullable: true,
    description: 'The signing secret: in the answer of createWebhook only, null everywhere else.',
  })
  secret!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}
