import { forbidden, notFound } from '../../graphql/errors.ts';

export const adminOnly = () => forbidden("Only an admin key can manage the organization's API keys");

export const apiKeyNotFound = (id: string) => notFound('API key', id);
