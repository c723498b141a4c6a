import { type ApiKeyPrincipal, OrganizationRepository } from '@leadsync/db/repositories';
import type { Organization as OrganizationRow } from '@leadsync/db/schema';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { forbidden, notFound } from '../../graphql/errors.ts';
import { parse } from '../../graphql/validation.ts';

export const MAX_RETENTION_DAYS = 36_500;

const daysSchema = z
  .number()
  .int('a whole number of days')
  .min(1, 'at least 1 day')
  .max(MAX_RETENTION_DAYS, `at most ${MAX_RETENTION_DAYS} days`);

/** How long the organization keeps its runs' per-record history (the worker prunes what is older). */
export class RetentionService {
  private readonly organizations: OrganizationRepository;

  constructor(
    deps: ApiDeps,
    private readonly principal: ApiKeyPrincipal,
  ) {
    this.organizations = new OrganizationRepository(deps.db, principal.organizationId);
  }

  async get(): Promise<OrganizationRow> {
    const row = await this.organizations.get();
    if (!row) throw notFound('Organization');
    return row;
  }

  async setRunRecordRetention(days: number): Promise<OrganizationRow> {
    if (this.principal.role !== 'admin') {
      throw forbidden("Only an admin key can change the organization's run history retention");
    }
    const row = await this.organizations.setRunRecordRetention(parse(daysSchema, days, 'days'));
    if (!row) throw notFound('Organization');
    return row;
  }
}
