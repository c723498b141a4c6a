import postgres from 'postgres';

/** One short-lived connection for an operator's check (`leadsync doctor`): 10 s to connect, closed after. */
async function withProbe<T>(url: string, body: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    return await body(sql);
  } finally {
    await sql.end();
  }
}

/** The server's version (`server_version`); rejects when it cannot be reached. */
export function serverVersion(url: string): Promise<string> {
  return withProbe(url, async (sql) => {
    const [row] = await sql<{ version: string }[]>`SELECT current_setting('server_version') AS version`;
    return row?.version ?? '?';
  });
}

/** Whether the table exists (on the search path): the job store's, which no migration creates. */
export function tableExists(url: string, table: string): Promise<boolean> {
  return withProbe(url, async (sql) => {
    const [row] = await sql<{ present: boolean }[]>`SELECT to_regclass(${table}) IS NOT NULL AS present`;
    return row?.present === true;
  });
}
