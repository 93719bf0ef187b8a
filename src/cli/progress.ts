/**
 * Progress output: cli-progress bars on a TTY (training steps with loss, accuracy, throughput and ETA;
 * SPSA updates) and a status line for every other long phase (dataset checks, logit cache,
 * evaluations); plain lines when stdout is not a TTY; JSON lines with --json; with --quiet only
 * errors, warnings (stderr) and the final result line. Epochs are numbered from 1, as in metrics.jsonl.
 */
import cliProgress from 'cli-progress';
import type { TrainEvent } from '../pqkd/events.js';
import { memoryMark } from './memory-trace.js';
import { oneBasedEpoch } from './metrics-file.js';

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
  private spsaPerEpoch = 0;

  constructor(readonly mode: OutputMode) {}

  /** A message for the user (stderr in json mode, nothing with --quiet). */
  log(message: string): void {
    memoryMark(message.slice(0, 60));
    if (this.mode === 'quiet') return;
    if (this.mode === 'json') {
      process.stderr.write(`${message}\n`);
      return;
    }
    this.stopBar();
    console.log(message);
  }

  /** A warning: always shown, on stderr. */
  warn(message: string): void {
    this.stopBar();
    process.stderr.write(`warning: ${message}\n`);
  }

  /** The start of a long phase without steps of its own (shown on a terminal and in plain lines). */
  phase(label: string): void {
    memoryMark(label);
    if (this.mode === 'bar' || this.mode === 'lines') this.log(`${label}…`);
  }

  /** The final result: printed in every mode (the one line --quiet keeps). */
  result(full: string, oneLine: string): void {
    if (this.mode === 'quiet') console.log(oneLine);
    else this.log(full);
  }

  /** SPSA updates per epoch (the length of the SPSA bar). */
  expectSpsa(updatesPerEpoch: number): void {
    this.spsaPerEpoch = updatesPerEpoch;
  }

  event(e: TrainEvent): void {
    memoryMark(e.kind === 'step' ? `${e.phase} steps` : e.kind);
    if (this.mode === 'json') {
      if (e.kind !== 'step') console.log(JSON.stringify(oneBasedEpoch(e)));
      return;
    }
    if (this.mode === 'quiet') return;
    if (e.kind === 'epoch') {
      this.lastAccuracy = e.valAccuracy;
      this.stopBar();
      const fe = e.featureError !== undefined ? `, feature error ${e.featureError.toFixed(4)}` : '';
      console.log(
        `${e.phase} epoch ${e.epoch + 1}: train loss ${e.trainLoss.toFixed(4)}, val loss ${e.valLoss.toFixed(4)}, val accuracy ${(100 * e.valAccuracy).toFixed(2)}% (${e.seconds.toFixed(1)} s)${fe}`,
      );
      return;
    }
    if (e.kind === 'spsa') {
      if (this.mode === 'lines') console.log(`spsa update ${e.k + 1}: f+ ${e.fPlus[0]?.toFixed(4)}, f- ${e.fMinus[0]?.toFixed(4)}`);
      if (this.mode === 'bar') this.spsaBar(e.epoch, e.fPlus[0] ?? NaN);
      return;
    }
    if (e.kind === 'spsa-calibration') {
      this.stopBar();
      const noise = e.noise ? `objective noise σ = ${e.noise.std.toExponential(2)} (${e.noise.values.length} repeats); ` : '';
      console.log(
        `spsa calibration: ${noise}c = ${e.c.toPrecision(3)}${e.aboveNoise ? '' : ' (largest rung; difference still below 2√2σ)'}, a = ${e.a.toPrecision(3)}`,
      );
      return;
    }
    if (e.kind === 'spsa-block') {
      this.stopBar();
      const obj = e.objectiveStart === null ? '' : `, exact-feature objective ${e.objectiveStart.toFixed(4)} → ${e.objectiveEnd!.toFixed(4)}`;
      console.log(`spsa block (epoch ${e.epoch + 1}): |Δθ| = ${e.thetaL2.toPrecision(3)} (max ${e.thetaMaxAbs.toPrecision(3)})${obj}`);
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
      this.bar = new cliProgress.SingleBar(
        {
          format: `${e.phase} epoch ${e.epoch + 1} |{bar}| {value}/{total} steps | loss {loss} | val acc {acc} | {ips} img/s | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(e.batches, 0, { loss: '-', acc: '-', ips: '-' });
      this.barKey = key;
    }
    this.bar.update(e.batch + 1, {
      loss: e.loss.toFixed(4),
      acc: Number.isNaN(this.lastAccuracy) ? '-' : `${(100 * this.lastAccuracy).toFixed(2)}%`,
      ips: e.imagesPerSecond.toFixed(0),
    });
  }

  private spsaBar(epoch: number, f: number): void {
    const key = `spsa:${epoch}`;
    if (this.barKey !== key || !this.bar) {
      this.stopBar();
      this.bar = new cliProgress.SingleBar({
        format: `student epoch ${epoch + 1} SPSA |{bar}| {value}/{total} updates | f+ {f} | ETA {eta_formatted}`,
        hideCursor: true, clearOnComplete: true,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(Math.max(1, this.spsaPerEpoch), 0, { f: '-' });
      this.barKey = key;
    }
    this.bar.increment(1, { f: Number.isFinite(f) ? f.toFixed(4) : '-' });
  }

  stopBar(): void {
    if (this.bar) this.bar.stop();
    this.bar = null;
    this.barKey = '';
  }
}
