import { notFound } from '../../graphql/errors.ts';

export const runNotFound = (id: string) => notFound('Sync run', id);
