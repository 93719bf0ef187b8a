/**
 * What `pqkd sweep --queue` shows while it follows the queue: on a terminal, an overall bar (jobs
 * done, running, waiting, failed; ETA) with one bar per running job (its stage and worker); in plain
 * output, a line per job state change and per change of the totals; JSON lines with --json.
 */
import cliProgress from 'cli-progress';
import type { OutputMode } from '../progress.js';
import type { QueueJobProgress } from './jobs.js';

export type FollowState = 'waiting' | 'active' | 'delayed' | 'finished' | 'failed';

export interface FollowedJob {
  name: string;
  state: FollowState;
  progress: QueueJobProgress | null;
  error?: string;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}

export class FollowDisplay {
  private multi: cliProgress.MultiBar | null = null;
  private overall: cliProgress.SingleBar | null = null;
  private readonly jobBars = new Map<string, cliProgress.SingleBar>();
  private readonly lastState = new Map<string, string>();
  private lastTotals = '';
  private readonly started = Date.now();
  private startFraction: number | null = null;

  constructor(
    private readonly mode: OutputMode,
    private readonly total: number,
  ) {
    if (mode === 'bar') {
      this.multi = new cliProgress.MultiBar(
        { format: '{label} [{bar}] {percentage}% | {info}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      this.overall = this.multi.create(total, 0, { label: 'sweep', info: '' });
    }
  }

  /** One line above the bars (or on stdout). */
  log(message: string): void {
    if (this.mode === 'quiet') return;
    if (this.mode === 'json') process.stderr.write(`${message}\n`);
    else if (this.multi) this.multi.log(`${message}\n`);
    else console.log(message);
  }

  update(jobs: FollowedJob[]): void {
    const count = (s: FollowState): number => jobs.filter((j) => j.state === s).length;
    const done = count('finished') + count('failed');
    const fraction = jobs.reduce(
      (a, j) => a + (j.state === 'finished' || j.state === 'failed' ? 1 : j.state === 'active' ? (j.progress?.fraction ?? 0) : 0),
      0,
    );
    this.startFraction ??= fraction;
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = (fraction - this.startFraction) / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - fraction) / rate : Infinity;
    const totals = `${count('finished')}/${this.total} done, ${count('active')} running, ${count('waiting') + count('delayed')} waiting, ${count('failed')} failed`;
    for (const j of jobs) {
      const key = `${j.state} ${j.state === 'active' ? (j.progress?.worker ?? '') : ''}`;
      if (this.lastState.get(j.name) === key) continue;
      this.lastState.set(j.name, key);
      if (this.mode === 'json')
        console.log(JSON.stringify({ kind: 'queue-job', job: j.name, state: j.state, worker: j.progress?.worker ?? null, error: j.error ?? null }));
      else if (this.mode !== 'quiet')
        this.log(`sweep: job ${j.name} ${j.state}${j.state === 'active' && j.progress ? ` on ${j.progress.worker}` : ''}${j.error ? `: ${j.error}` : ''}`);
    }
    if (this.multi && this.overall) {
      this.overall.setTotal(this.total);
      this.overall.update(fraction, { label: 'sweep', info: `${totals} | ETA ${formatSeconds(eta)}` });
      for (const j of jobs) {
        const bar = this.jobBars.get(j.name);
        if (j.state === 'active') {
          const info = j.progress ? `${j.progress.stage} on ${j.progress.worker}` : 'starting';
          if (bar) bar.update(j.progress?.fraction ?? 0, { label: `  ${j.name}`, info });
          else this.jobBars.set(j.name, this.multi.create(1, j.progress?.fraction ?? 0, { label: `  ${j.name}`, info }));
        } else if (bar) {
          this.multi.remove(bar);
          this.jobBars.delete(j.name);
        }
      }
    } else if (totals !== this.lastTotals && this.mode === 'lines') {
      console.log(`sweep: ${totals}${done < this.total ? ` (ETA ${formatSeconds(eta)})` : ''}`);
    }
    this.lastTotals = totals;
  }

  stop(): void {
    this.multi?.stop();
    this.multi = null;
  }
}
