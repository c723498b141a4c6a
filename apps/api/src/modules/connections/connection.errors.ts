import { badInput, notFound } from '../../graphql/errors.ts';

export const connectionNotFound = (id: string) => notFound('Connection', id);

export const unknownConnector = (id: string) => badInput('connector', `Unknown connector "${id}"`);
