// The simulator in its own process for bench/read.ts. Prints one JSON line when it listens; when its stdin
// closes it prints the CPU it spent serving (after seeding) and exits.
import { benchSimulatorInfo, startBenchSimulator } from '../src/simulator/index.ts';

const sim = await startBenchSimulator(Number(process.argv[2] ?? 100_000));
const seeded = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ ...benchSimulatorInfo(sim), seedCpuSeconds: (seeded.user + seeded.system) / 1e6 })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  const used = process.cpuUsage(seeded);
  process.stdout.write(
    `${JSON.stringify({ serveCpuSeconds: (used.user + used.system) / 1e6, rssMb: process.memoryUsage().rss / 2 ** 20 })}\n`,
  );
  void sim.close().then(() => process.exit(0));
});
