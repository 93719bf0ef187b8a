/**
 * The arms of a paired comparison, read from one or more sweep directories: every finished job
 * becomes (arm, seed, test accuracy, test loss), where the arm is the feature source plus
 * " --no-spsa" when SPSA was off. Jobs pair across arms by seed; everything else in their
 * configs must be equal (one comparison at a time), else the input is refused.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PqkdConfig } from '../../pqkd/config.js';
import { CliError } from '../errors.js';
import type { MetricLine, RunManifest, SweepResults } from '../run-schema.js';

export interface ArmRun {
  readonly arm: string;
  readonly seed: number;
  /** Test accuracy in percent. */
  readonly accuracy: number;
  readonly loss: number;
  readonly dir: string;
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new CliError(`compare: ${path}: expected ${what}, could not parse it: ${(error as Error).message}`);
  }
}

/** The arm label of a config. */
export function armOf(config: PqkdConfig): string {
  return `${config.photonic.featureSource}${config.spsa.enabled ? '' : ' --no-spsa'}`;
}

/** Everything but the arm and the seed, as a canonical string (jobs that pair must agree on it). */
function restOf(config: PqkdConfig): string {
  const c = JSON.parse(JSON.stringify(config)) as PqkdConfig;
  delete (c as Partial<PqkdConfig>).seed;
  delete (c.photonic as Partial<PqkdConfig['photonic']>).featureSource;
  delete (c.spsa as Partial<PqkdConfig['spsa']>).enabled;
  return JSON.stringify(c);
}

/** Finished jobs of the sweeps in `dirs`, with a note per skipped job. */
export function loadArmRuns(dirs: readonly string[]): { runs: ArmRun[]; notes: string[] } {
  const runs: ArmRun[] = [];
  const notes: string[] = [];
  let rest: { key: string; job: string } | null = null;
  for (const dir of dirs) {
    const path = resolve(dir);
    if (!existsSync(path) || !statSync(path).isDirectory())
      throw new CliError(`compare: ${path}: expected a sweep directory, got ${existsSync(path) ? 'a file' : 'nothing (it does not exist)'}`);
    const sweepFile = join(path, 'sweep.json');
    if (!existsSync(sweepFile)) throw new CliError(`compare: ${path}: not a sweep directory (no sweep.json; run 'pqkd sweep' first)`);
    const sweep = readJson<SweepResults>(sweepFile, 'sweep.json ({ axes, jobs })');
    if (!Array.isArray(sweep.jobs)) throw new CliError(`compare: ${sweepFile}: expected { axes, jobs: [...] }, got no jobs array`);
    for (const job of sweep.jobs) {
      const jobDir = join(path, 'jobs', job.id);
      if (job.status !== 'finished' || !job.results?.student) {
        notes.push(`skipped ${jobDir}: ${job.status}`);
        continue;
      }
      const manifest = readJson<RunManifest>(join(jobDir, 'manifest.json'), 'a run manifest');
      const evalLine = readMetrics(join(jobDir, 'metrics.jsonl')).find((l) => l.kind === 'eval' && l.phase === 'student' && l.split === 'test');
      if (!evalLine || evalLine.kind !== 'eval')
        throw new CliError(`compare: ${jobDir}/metrics.jsonl: no student test evaluation line (an unfinished or older run?)`);
      const key = restOf(manifest.config);
      if (rest === null) rest = { key, job: jobDir };
      else if (rest.key !== key) {
        throw new CliError(`compare: ${jobDir} and ${rest.job} differ in more than seed, feature source and --spsa; compare one setting at a time`);
      }
      runs.push({
        arm: armOf(manifest.config),
        seed: manifest.config.seed,
        accuracy: 100 * job.results.student.testAccuracy,
        loss: evalLine.loss,
        dir: jobDir,
      });
    }
  }
  return { runs, notes };
}

function readMetrics(path: string): MetricLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as MetricLine];
      } catch {
        return [];
      }
    });
}
