import {
  DuplicateMailingListError,
  MailingListRepository,
  type MailingListWithCount,
} from '@leadsync/db/repositories';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { parse } from '../../graphql/validation.ts';
import { mailingListNameTaken, mailingListNotFound } from './mailing-list.errors.ts';

const nameSchema = z.string().trim().min(1, 'a name is required').max(200, 'at most 200 characters');

export class MailingListService {
  readonly lists: MailingListRepository;

  constructor(deps: ApiDeps, organizationId: string) {
    this.lists = new MailingListRepository(deps.db, organizationId);
  }

  list(): Promise<MailingListWithCount[]> {
    return this.lists.list();
  }

  async get(id: string): Promise<MailingListWithCount> {
    const row = await this.lists.get(id);
    if (!row) throw mailingListNotFound(id);
    return row;
  }

  async create(rawName: string): Promise<MailingListWithCount> {
    const name = parse(nameSchema, rawName, 'name');
    try {
      return await this.lists.create(name);
    } catch (error) {
      if (error instanceof DuplicateMailingListError) throw mailingListNameTaken(name);
      throw error;
    }
  }
}
