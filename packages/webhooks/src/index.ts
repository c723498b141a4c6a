export {
  createWebhookDeliverer,
  DEFAULT_WEBHOOK_RETRY,
  retryDelayMs,
  WEBHOOK_NOT_ALLOWED,
  WEBHOOK_NOT_DELIVERED,
  type WebhookDeliverer,
  type WebhookDelivererDeps,
  type WebhookRetrySettings,
} from './deliver.ts';
export {
  createWebhookEvents,
  dispatchDeliveries,
  type EnqueueDelivery,
  type WebhookEventsDeps,
} from './events.ts';
export { webhookUrlProblem } from './hosts.ts';
export {
  type OutboxDispatcher,
  type OutboxDispatcherOptions,
  startOutboxDispatcher,
} from './outbox.ts';
export { generateWebhookSecret, SIGNATURE_HEADER, signWebhookBody } from './signature.ts';
