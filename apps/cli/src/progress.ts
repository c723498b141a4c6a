import { Presets, SingleBar } from 'cli-progress';
import type { RunProgress } from './commands/sync-run.ts';

/**
 * The run's progress as a cli-progress bar on a terminal: with a known total (`--estimate`) a bar with a percentage,
 * otherwise the running counters. Not drawn when the stream is not a terminal (CI logs, pipes).
 */
export function progressBar(stream: NodeJS.WritableStream): RunProgress {
  let bar: SingleBar | undefined;
  let total = 0;
  return {
    start({ total: expected }) {
      total = expected ?? 0;
      bar = new SingleBar(
        {
          stream,
          hideCursor: true,
          clearOnComplete: false,
          format: expected
            ? ' {bar} {percentage}% | {value}/{total} read · {processed} processed · {duration_formatted}'
            : ' {value} read · {processed} processed · {duration_formatted}',
        },
        Presets.shades_classic,
      );
      bar.start(total, 0, { processed: 0 });
    },
    update({ read, processed }) {
      if (!bar) return;
      if (total > 0 && read > total) {
        total = read;
        bar.setTotal(total);
      }
      bar.update(read, { processed });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
