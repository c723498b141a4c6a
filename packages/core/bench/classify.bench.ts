// `pnpm bench`: classifies one million synthetic records with @leadsync/core and with a baseline built
// from popular npm libraries, on the same data in the same process, and prints one JSON line.
import { classifyBatch, compileRoles, createRunState } from '../src/index.ts';
import { classifyBaseline } from './baseline.ts';
import { page } from './data.ts';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const PAGE = 1000;
const WARMUP = 50_000;

/**
 * CPU time of the process (user + system, all threads, so garbage-collector threads count too), not wall
 * time: the figure is "on one core" whatever else the machine is doing, and never flattered by it.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// The existing leads' statuses for a page are what one database query would answer; they are computed
// with the page, outside the timed part, and both contenders read them from the same Map.
async function runCore(from: number, n: number): Promise<{ ms: number; counts: Record<string, number> }> {
  const state = createRunState();
  const roles = compileRoles();
  let ms = 0;
  for (let i = from; i < from + n; i += PAGE) {
    const { records, existing } = page(i, Math.min(PAGE, from + n - i));
    const lookup = () => existing;
    const t0 = cpuMs();
    await classifyBatch(records, lookup, state, { roles });
    ms += cpuMs() - t0;
  }
  const t = state.totals;
  return {
    ms,
    counts: { new: t.newLeads, re_added: t.reAdded, duplicate: t.duplicate, ...t.ignoredBreakdown },
  };
}

function runBaseline(from: number, n: number): { ms: number; counts: Record<string, number> } {
  const seen = new Set<string>();
  const counts: Record<string, number> = {};
  let ms = 0;
  for (let i = from; i < from + n; i += PAGE) {
    const { records, existing } = page(i, Math.min(PAGE, from + n - i));
    const lookupOne = (email: string) => existing.get(email);
    const t0 = cpuMs();
    const results = classifyBaseline(records, seen, lookupOne);
    ms += cpuMs() - t0;
    for (const r of results) {
      const key = r.reason ?? r.outcome;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return { ms, counts };
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

await runCore(N + 1, WARMUP);
runBaseline(N + 1, WARMUP);

// Two rounds each, the faster kept, so a burst of other work on the machine does not decide the figure.
const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const heapBefore = memory();
let core = await runCore(0, N);
const heapAfterCore = memory();
let base = runBaseline(0, N);
const core2 = await runCore(0, N);
if (core2.ms < core.ms) core = core2;
const base2 = runBaseline(0, N);
if (base2.ms < base.ms) base = base2;

const value = Math.round(N / (core.ms / 1000));
const baseline = Math.round(N / (base.ms / 1000));
console.error(
  `core: ${core.ms.toFixed(0)} ms ${JSON.stringify(core.counts)}\n` +
    `baseline: ${base.ms.toFixed(0)} ms ${JSON.stringify(base.counts)}\n` +
    `heap + array buffers: ${mb(heapBefore)} MB before, ${mb(heapAfterCore)} MB after the core run (its run state holds the distinct emails); ` +
    `peak rss ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
);
console.log(
  JSON.stringify({
    bench: 'core.classify',
    value,
    unit: 'leads/s',
    ratio: Math.round((value / baseline) * 100) / 100,
    baseline,
    n: N,
  }),
);
