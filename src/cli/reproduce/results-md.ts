/**
 * RESULTS.md from the experiment summaries: what was run, on which CPU and for how long, each
 * configuration's seed statistics next to the paper's value, the controls' paired comparisons
 * (`pqkd compare`'s table), the δ(S) fits and the frontier. Generated, never edited by hand.
 */
import { formatComparison } from '../compare/compare.js';
import type { ExperimentDefinition, PaperValue } from './experiment.js';
import type { ConfigRow, ExperimentSummary, SeedStats } from './summarise.js';

function stat(s: SeedStats, digits = 2): string {
  if (!Number.isFinite(s.mean)) return 'n/a';
  const std = s.std === null ? '' : ` ± ${s.std.toFixed(digits)}`;
  return `${s.mean.toFixed(digits)}${std}`;
}

function ci(s: SeedStats, digits = 2): string {
  return s.ci === null || !s.ci.every(Number.isFinite) ? 'n/a (1 seed)' : `[${s.ci[0].toFixed(digits)}, ${s.ci[1].toFixed(digits)}]`;
}

function paperValue(v: PaperValue | undefined): string {
  if (!v) return '—';
  return v.value === null ? 'unknown' : `${v.value}${v.unit === '%' ? '%' : ` ${v.unit}`}`;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Where the paper's value lies relative to our interval (a plain statement, no judgement beyond it). */
function agreement(s: SeedStats, v: PaperValue | undefined): string {
  if (!v || v.value === null || s.ci === null) return '';
  if (v.value >= s.ci[0] && v.value <= s.ci[1]) return 'inside our 95% CI';
  return `outside our 95% CI (${(s.mean - v.value >= 0 ? '+' : '') + (s.mean - v.value).toFixed(2)} points)`;
}

function configTable(rows: ConfigRow[], paper: PaperValue[]): string {
  const find = (key: string): PaperValue | undefined => paper.find((p) => p.key === key);
  const body = rows.map((r) => {
    const key = r.setting || 'all';
    return [
      r.setting || '(recipe)',
      String(r.student.n),
      stat(r.teacher),
      stat(r.student),
      ci(r.student),
      paperValue(find(`${key}:student`) ?? find('student')),
      agreement(r.student, find(`${key}:student`) ?? find('student')),
      stat(r.gap),
      stat(r.compiled),
      r.compression === null ? 'n/a' : `${r.compression.toFixed(1)}×`,
    ];
  });
  return table(
    [
      'setting',
      'seeds',
      'teacher acc. % (mean ± std)',
      'student acc. % (mean ± std)',
      'student 95% CI',
      'paper (student)',
      'paper vs CI',
      'gap (points)',
      'compiled acc. %',
      'compression',
    ],
    body,
  );
}

function experimentSection(def: ExperimentDefinition, s: ExperimentSummary): string {
  const out: string[] = [`## ${def.title} (\`${def.name}\`, definition v${def.version})`, '', def.description, ''];
  out.push(
    `Jobs finished: ${s.jobsDone} of ${s.jobsTotal}. Wall time: ${s.wallHours.students.toFixed(2)} h of student jobs and ${s.wallHours.teachers.toFixed(2)} h of teacher training (each teacher once).`,
  );
  out.push(`Machines: ${s.machines.length ? s.machines.join('; ') : 'none yet'}.`, '');
  if (s.jobsDone === 0) {
    out.push('No results yet.', '');
    return out.join('\n');
  }
  out.push('Test accuracy over seeds (mean ± sample std; 95% t interval of the mean).', '', configTable(s.rows, def.paper.values), '');
  const other = def.paper.values.filter((v) => !v.key.endsWith(':student') && v.key !== 'student');
  if (other.length) {
    out.push(`The paper's other reported values (${def.paper.source}):`, '');
    out.push(
      table(
        ['quantity', 'paper', 'source', 'note'],
        other.map((v) => [v.label, paperValue(v), v.source, v.note ?? '']),
      ),
      '',
    );
  }
  if (s.comparison) {
    out.push('Paired comparisons against the reference (the output of `pqkd compare`):', '');
    out.push('error' in s.comparison ? `Not computed: ${s.comparison.error}` : ['```', formatComparison(s.comparison), '```'].join('\n'), '');
  }
  if (s.shots) {
    const rows = s.shots.series.map((series) => [
      series.label,
      series.groups.map((g) => `S=${g.shots === Infinity ? '∞' : g.shots}: ${g.mean.toFixed(2)}`).join(', '),
      series.fit ? series.fit.yInf.toFixed(3) : 'n/a',
      series.fit ? series.fit.k.toFixed(3) : 'n/a',
      series.fit ? `${series.fit.weightedR2.toFixed(3)} (${series.fit.weighting}, n=${series.fit.n})` : (series.fitError ?? 'n/a'),
    ]);
    out.push('Fit of accuracy (%) against shots, δ(S) = δ∞ − k/√S, per series (feature source × EMA setting × other varied axes; weights 1/var across seeds):', '');
    out.push(
      table(['series', 'mean accuracy per S', 'δ∞', 'k', 'weighted R²'], rows),
      '',
      `![accuracy against shots](results/${def.name}/shots-accuracy.svg)`,
      '',
    );
  }
  if (s.ema) {
    const find = (beta: number): PaperValue | undefined => def.paper.values.find((v) => v.key === `ratio beta=${beta}`);
    const rows = s.ema.map((r) => [
      String(r.shots), String(r.beta), String(r.medianRatio.n), stat(r.medianRatio, 4), ci(r.medianRatio, 4), stat(r.ratio, 4), r.finiteWindow.toFixed(4), r.theory.toFixed(4), paperValue(find(r.beta)),
    ]);
    out.push('EMA variance ratio Var(φ̄)/Var(φ̂) per seed (θ₀ of that seed), mean ± std over seeds (`pqkd ema-stats`):', '');
    out.push(table(['S', 'β', 'seeds', 'median over dims', 'its 95% CI', 'pooled ratio', 'finite-window expect.', '(1−β)/(1+β)', 'paper (median)'], rows), '');
  }
  if (s.frontier) {
    const rows = s.frontier.points.map((p) => [
      p.label,
      p.scope,
      p.width,
      p.loops,
      `${p.compression.toFixed(1)}×`,
      `${p.accuracy.toFixed(2)} ± ${p.std.toFixed(2)} (n=${p.n})`,
      p.pareto ? 'yes' : '',
    ]);
    out.push('Compression frontier (seed means):', '', table(['point', 'scope', 'width', 'loops', 'compression', 'student acc. %', 'Pareto'], rows), '');
    out.push(`![compression frontier](results/${def.name}/compression-frontier.svg)`, '');
  }
  if (def.notes.length) out.push('Notes:', '', ...def.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

/** The whole RESULTS.md. */
export function resultsMarkdown(entries: { def: ExperimentDefinition; summary: ExperimentSummary }[]): string {
  const head = [
    '# Results',
    '',
    'Generated by `pqkd reproduce --summarise` from the result files in `results/` (one JSON file per finished job);',
    'do not edit by hand. Each job records its config and hash, code commit, teacher SHA-256, per-epoch metrics,',
    'weights SHA-256, CPU and wall time; `pqkd verify --result results/<experiment>/<job>.json` reruns one.',
    'Our metric is test accuracy on the official test split; the paper reports validation accuracy on an unknown split',
    '(see docs/method.md §10 and docs/campaign.md).',
    '',
    table(
      ['experiment', 'jobs finished', 'student wall h', 'teacher wall h'],
      entries.map(({ def, summary }) => [
        def.name,
        `${summary.jobsDone}/${summary.jobsTotal}`,
        summary.wallHours.students.toFixed(2),
        summary.wallHours.teachers.toFixed(2),
      ]),
    ),
    '',
  ];
  return `${[...head, ...entries.map(({ def, summary }) => experimentSection(def, summary))].join('\n').trimEnd()}\n`;
}
