// The Zoho Invoice simulator in its own process, so the benchmark's RSS is the engine's alone.
// Prints one JSON line (urls and credentials) when it listens; exits when its stdin closes.
import { benchSimulatorInfo, startBenchSimulator } from '@leadsync/connectors/testing';

const sim = await startBenchSimulator(Number(process.argv[2] ?? 100_000));
process.stdout.write(`${JSON.stringify(benchSimulatorInfo(sim))}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void sim.close().then(() => process.exit(0));
});
