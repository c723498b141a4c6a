import { conflict, notFound } from '../../graphql/errors.ts';

export const mailingListNotFound = (id: string) => notFound('Mailing list', id);

export const mailingListNameTaken = (name: string) =>
  conflict(`A mailing list named "${name}" already exists`);
