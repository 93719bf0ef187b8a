/**
 * The remaining-time estimate of `pqkd reproduce --plan`, from measured costs only: the wall seconds
 * per training image per epoch of finished jobs (result files of every experiment under results/:
 * a student job's wall time ÷ (student epochs × training images), its teacher's wall time ÷
 * (teacher epochs × training images)), median per dataset, teacher width and phase (student costs
 * also per scope and rank when such a measurement exists). A job with no matching measurement is
 * counted as unknown, never guessed. The estimate is wall time at the thread count of the
 * measurements (CPU time ≈ wall × threads), for the CPU they ran on (both printed).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PqkdConfig } from '../../pqkd/config.js';
import { readJobResult, type JobResult } from './result-file.js';
import type { JobState, ReproducePaths } from './job-state.js';

const TRAIN_SPLIT: Record<PqkdConfig['dataset'], number> = { mnist: 60_000, 'fashion-mnist': 60_000, cifar10: 50_000 };

/** Training images per epoch of a config (the training split minus the validation proxy, or the limit). */
export function trainImages(c: PqkdConfig): number {
  const available = TRAIN_SPLIT[c.dataset] - c.data.valSize;
  return c.data.trainLimit > 0 ? Math.min(c.data.trainLimit, available) : available;
}

export interface Estimate {
  /** Estimated wall seconds left (the known part). */
  seconds: number;
  /** Jobs (students) and teachers without a matching measurement. */
  unknownJobs: number;
  unknownTeachers: number;
  lines: string[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Every result file under resultsDir (all experiments); unreadable files are skipped. */
export function allResults(resultsDir: string): JobResult[] {
  if (!existsSync(resultsDir)) return [];
  const out: JobResult[] = [];
  for (const exp of readdirSync(resultsDir).sort()) {
    const dir = join(resultsDir, exp);
    if (!existsSync(dir) || exp.startsWith('.')) continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const f of names.sort()) {
      if (!f.endsWith('.json') || f === 'summary.json') continue;
      try {
        out.push(readJobResult(join(dir, f)));
      } catch {
        // not a result file
      }
    }
  }
  return out;
}

const studentKey = (c: PqkdConfig, fine: boolean): string => `${c.dataset}/w${c.teacher.width}${fine ? `/${c.student.scope}/R${c.student.rank}` : ''}`;
const teacherKeyOf = (c: PqkdConfig): string => `${c.dataset}/w${c.teacher.width}`;

function push(map: Map<string, number[]>, key: string, v: number): void {
  if (Number.isFinite(v) && v > 0) map.set(key, [...(map.get(key) ?? []), v]);
}

/** The estimate for the jobs not done, and the lines that say what it rests on. */
export function estimateRemaining(states: readonly JobState[], paths: ReproducePaths): Estimate {
  const measured = allResults(paths.resultsDir);
  const student = new Map<string, number[]>();
  const teacher = new Map<string, number[]>();
  const seenTeachers = new Set<string>();
  for (const r of measured) {
    const per = r.wallSeconds / (r.config.student.epochs * trainImages(r.config));
    push(student, studentKey(r.config, true), per);
    push(student, studentKey(r.config, false), per);
    if (!seenTeachers.has(r.teacher.sha256)) {
      seenTeachers.add(r.teacher.sha256);
      push(teacher, teacherKeyOf(r.config), r.teacher.wallSeconds / (r.config.teacher.epochs * trainImages(r.config)));
    }
  }
  let seconds = 0;
  let unknownJobs = 0;
  let unknownTeachers = 0;
  const teachersLeft = new Map<string, PqkdConfig>();
  for (const s of states) {
    if (s.status === 'done') continue;
    const c = s.job.config;
    const cost = student.get(studentKey(c, true)) ?? student.get(studentKey(c, false));
    if (cost) seconds += median(cost) * trainImages(c) * (c.student.epochs - s.epochsDone);
    else unknownJobs++;
    if (!s.teacherCached) teachersLeft.set(JSON.stringify([c.dataset, c.seed, c.splitSeed, c.teacher, c.data.valSize, c.data.trainLimit]), c);
  }
  for (const c of teachersLeft.values()) {
    const cost = teacher.get(teacherKeyOf(c));
    if (cost) seconds += median(cost) * trainImages(c) * c.teacher.epochs;
    else unknownTeachers++;
  }
  const machines = [...new Set(measured.map((r) => `${r.machine.cpu} (${r.machine.threads} thread(s))`))].sort();
  const lines = [
    `remaining: ≈ ${(seconds / 3600).toFixed(2)} h wall (CPU time ≈ wall × threads)` +
      (unknownJobs || unknownTeachers ? ` + ${unknownJobs} job(s) and ${unknownTeachers} teacher(s) with no measured cost yet` : ''),
    `per-step costs: measured wall seconds per training image per epoch, medians over ${measured.length} finished job(s) in ${paths.resultsDir}/*/*.json` +
      ` (student: the job's wall time; teacher: its cached teacher's training time), on ${machines.length ? machines.join('; ') : 'no machine yet'}`,
    ...[...student.entries()]
      .filter(([k]) => k.split('/').length > 2)
      .sort()
      .map(([k, v]) => `  student ${k}: ${(median(v) * 1e3).toFixed(3)} ms/image/epoch (n=${v.length})`),
    ...[...teacher.entries()].sort().map(([k, v]) => `  teacher ${k}: ${(median(v) * 1e3).toFixed(3)} ms/image/epoch (n=${v.length})`),
  ];
  return { seconds, unknownJobs, unknownTeachers, lines };
}
