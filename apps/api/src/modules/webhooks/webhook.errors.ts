import { badInput, notFound } from '../../graphql/errors.ts';

export const webhookNotFound = (id: string) => notFound('Webhook', id);

export const refusedWebhookUrl = (message: string) => badInput('url', message);
