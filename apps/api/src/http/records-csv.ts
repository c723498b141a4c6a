import { once } from 'node:events';
import { csvField, csvLine, RECORDS_CSV_HEADER } from '@leadsync/core';
import { RunRecordRepository, SyncRunRepository } from '@leadsync/db/repositories';
import type { Request, RequestHandler, Response } from 'express';
import type { AuthLimits } from '../graphql/auth.ts';
import type { ApiDeps } from '../graphql/deps.ts';
import { organizationOfRequest } from './authenticate.ts';

export { csvField, csvLine, RECORDS_CSV_HEADER };

/** Records read from the database per query; the response holds at most one batch in memory. */
const BATCH = 2_000;

/**
 * `GET /runs/:id/records.csv` (Bearer key): every record of a run in source order, streamed batch by batch with
 * back-pressure, so a run of a million records costs the memory of one batch. Another organization's run is 404.
 */
export function recordsCsvRoute(
  deps: ApiDeps,
  limitsOf: (req: Request<{ id: string }>) => AuthLimits = () => ({}),
): RequestHandler<{ id: string }> {
  return async (req: Request<{ id: string }>, res: Response) => {
    const organizationId = await organizationOfRequest(deps.db, req, res, limitsOf(req));
    if (organizationId === undefined) return;
    const runId = req.params.id;
    const run = await new SyncRunRepository(deps.db, organizationId).get(runId);
    if (!run) {
      res.status(404).json({ error: `Sync run ${JSON.stringify(runId)} not found`, code: 'NOT_FOUND' });
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="run-${run.id}-records.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    res.write(`${RECORDS_CSV_HEADER}\r\n`);
    const records = new RunRecordRepository(deps.db, organizationId);
    try {
      for await (const batch of records.iterate(run.id, { batchSize: BATCH })) {
        if (closed) return;
        let chunk = '';
        for (const record of batch) chunk += `${csvLine(record)}\r\n`;
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
    } catch (error) {
      deps.logger.error({ err: error, runId: run.id }, 'records.csv failed while streaming');
      res.destroy(error instanceof Error ? error : undefined);
      return;
    }
    res.end();
  };
}
