/**
 * Self-time shares of a `.cpuprofile` (from `node --cpu-prof`), grouped by function and file:
 *   node --import tsx bench/profile-summary.ts file.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const profile = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const top = Number(process.argv[3] ?? 25) || 25;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const n = byId.get(id)!;
  const dt = profile.timeDeltas[i] ?? 0;
  const file = n.callFrame.url.replace(/^.*\/src\//, '').replace(/^.*\/node_modules\//, 'nm/');
  const key = `${n.callFrame.functionName || '(anon)'} ${file}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const idle = [...self].filter(([k]) => k.startsWith('(idle)') || k.startsWith('(program)') || k.startsWith('(garbage'));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}
console.log(`total ${(total / 1000).toFixed(0)} ms; ${idle.map(([k, v]) => `${k.split(' ')[0]} ${((100 * v) / total).toFixed(1)}%`).join(', ')}`);
