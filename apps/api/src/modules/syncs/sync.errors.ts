import { badInput, conflict, notFound } from '../../graphql/errors.ts';

export const syncNotFound = (id: string) => notFound('Sync', id);

export const importModeIsFixed = (field: string, current: 'all' | 'criteria') =>
  badInput(
    field,
    current === 'all'
      ? 'This sync imports ALL records, and the import mode cannot change after creation: create a new sync with import mode CRITERIA'
      : 'This sync imports by CRITERIA, and the import mode cannot change after creation: create a new sync with import mode ALL',
  );

export const criteriaWithoutCriteriaMode = (field: string) =>
  badInput(field, 'Criteria are only for import mode CRITERIA');

export const criteriaRequired = (field: string) => badInput(field, 'Import mode CRITERIA needs criteria');

export const connectionNeedsNewKey = () =>
  conflict('The connection needs a new account key: update its credentials, then activate its syncs');

export const syncIsDraft = () => conflict('This sync is a draft: initiate it first');

export const syncIsInactive = () => conflict('This sync is inactive: activate it first');
