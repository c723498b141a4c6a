import { doublePrecision, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';

/**
 * The request budget of one source account (`apiUrl|source organization id`), shared by every process: a token
 * bucket (`tokens` at `updated_at`; negative while requests are booked ahead) and the daily quota the source last
 * reported. Not tenant data: two tenants connected to the same source account share its limits, as the source does.
 * Written only by `createDatabaseBudget` (repositories/request-budget.ts).
 */
export const requestBudgets = pgTable('request_budgets', {
  account: text().primaryKey(),
  tokens: doublePrecision().notNull(),
  updatedAt: timestamptz().notNull(),
  quotaLimit: integer(),
  quotaRemaining: integer(),
  quotaResetAt: timestamptz(),
});

export type RequestBudgetRow = typeof requestBudgets.$inferSelect;
