/**
 * Progress output: a cli-progress bar on a TTY (epoch, step, loss, accuracy, throughput, ETA), plain
 * lines when stdout is not a TTY or with --quiet, JSON lines with --json.
 */
import cliProgress from 'cli-progress';
import type { TrainEvent } from '../pqkd/events.js';

export type OutputMode = 'bar' | 'lines' | 'json' | 'quiet';

export function outputMode(flags: { quiet?: unknown; json?: unknown }): OutputMode {
  if (flags.json === true) return 'json';
  if (flags.quiet === true) return 'quiet';
  return process.stdout.isTTY ? 'bar' : 'lines';
}

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private barKey = '';
  private lastAccuracy = NaN;

  constructor(readonly mode: OutputMode) {}

  /** A message for the user (suppressed in json mode, where it goes to stderr). */
  log(message: string): void {
    if (this.mode === 'json') {
      process.stderr.write(`${message}\n`);
      return;
    }
    if (this.bar) this.bar.stop();
    this.bar = null;
    console.log(message);
  }

  event(e: TrainEvent): void {
    if (this.mode === 'json') {
      if (e.kind !== 'step') console.log(JSON.stringify(e));
      return;
    }
    if (e.kind === 'epoch') {
      this.lastAccuracy = e.valAccuracy;
      this.stopBar();
      const fe = e.featureError !== undefined ? `, feature error ${e.featureError.toFixed(4)}` : '';
      console.log(`${e.phase} epoch ${e.epoch + 1}: train loss ${e.trainLoss.toFixed(4)}, val loss ${e.valLoss.toFixed(4)}, val accuracy ${(100 * e.valAccuracy).toFixed(2)}% (${e.seconds.toFixed(1)} s)${fe}`);
      return;
    }
    if (e.kind === 'spsa') {
      if (this.mode === 'lines') console.log(`spsa update ${e.k + 1}: f+ ${e.fPlus[0]?.toFixed(4)}, f- ${e.fMinus[0]?.toFixed(4)}`);
      return;
    }
    if (this.mode !== 'bar') {
      if (this.mode === 'lines' && (e.batch + 1) % 50 === 0) {
        console.log(`${e.phase} epoch ${e.epoch + 1} step ${e.batch + 1}/${e.batches}: loss ${e.loss.toFixed(4)}, ${e.imagesPerSecond.toFixed(0)} img/s`);
      }
      return;
    }
    const key = `${e.phase}:${e.epoch}`;
    if (this.barKey !== key || !this.bar) {
      this.stopBar();
      this.bar = new cliProgress.SingleBar({
        format: `${e.phase} epoch ${e.epoch + 1} |{bar}| {value}/{total} steps | loss {loss} | val acc {acc} | {ips} img/s | ETA {eta_formatted}`,
        hideCursor: true, clearOnComplete: true,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(e.batches, 0, { loss: '-', acc: '-', ips: '-' });
      this.barKey = key;
    }
    this.bar.update(e.batch + 1, {
      loss: e.loss.toFixed(4),
      acc: Number.isNaN(this.lastAccuracy) ? '-' : `${(100 * this.lastAccuracy).toFixed(2)}%`,
      ips: e.imagesPerSecond.toFixed(0),
    });
  }

  stopBar(): void {
    if (this.bar) this.bar.stop();
    this.bar = null;
    this.barKey = '';
  }
}
