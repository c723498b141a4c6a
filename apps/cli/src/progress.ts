import { Presets, SingleBar } from 'cli-progress';
import type { UploadProgress } from './commands/file-upload.ts';
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

/** An upload's stored bytes as a bar with a percentage (MB), on a terminal only. */
export function uploadProgressBar(stream: NodeJS.WritableStream): UploadProgress {
  let bar: SingleBar | undefined;
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  return {
    start(total, stored) {
      if (!(stream as NodeJS.WriteStream).isTTY) return;
      bar = new SingleBar(
        {
          stream,
          hideCursor: true,
          format: ' {bar} {percentage}% | {value}/{total} MB · {duration_formatted}',
        },
        Presets.shades_classic,
      );
      bar.start(mb(total), mb(stored));
    },
    update(stored) {
      bar?.update(mb(stored));
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
