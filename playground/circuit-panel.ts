/**
 * Circuit panel: a time-bin interferometer (modes, loops, angles as sliders) drawn as SVG, the same
 * unitary as a Clements mesh, its exact mean photon numbers (no enumeration) and most likely click
 * patterns (SLOS). The Hong–Ou–Mandel part lives in hom-view.ts.
 */
import { Generator } from '../src/index.js';
import { tbi, alternatingInput, meanCounts, slosPlan, slosDistribution, clickDistribution, clementsDecompose } from '../src/photonics/index.js';
import { barChart, h, replace, s, slider } from './dom.js';
import { homView } from './hom-view.js';
import { readTheKernel } from './kernel-notes.js';

const ROW = 26;
const deg = (r: number): number => (r * 180) / Math.PI;

/** The unrolled time-bin circuit: one horizontal line per time bin, one splitter per column. */
function drawTbi(modes: number, pairs: Int32Array, theta: Float64Array, loops: number[]): SVGElement {
  const n = theta.length, colW = 34, left = 46;
  const W = left + n * colW + 20, H = modes * ROW + 30;
  const root = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'circuit', 'data-testid': 'tbi-svg' });
  for (let m = 0; m < modes; m++) {
    root.append(s('line', { x1: left - 8, x2: W - 8, y1: 18 + m * ROW, y2: 18 + m * ROW, class: 'waveguide' }),
      s('text', { x: 4, y: 22 + m * ROW, class: 'tick' }, `bin ${m}`));
  }
  let offset = 0;
  loops.forEach((l) => {
    const count = modes - l;
    root.append(s('text', { x: left + (offset + count / 2) * colW, y: H - 4, class: 'axis-label', 'text-anchor': 'middle' }, `loop ℓ=${l}`));
    offset += count;
  });
  for (let c = 0; c < n; c++) {
    const a = pairs[2 * c]!, b = pairs[2 * c + 1]!, x = left + c * colW + colW / 2;
    const t = Math.cos(theta[c]!) ** 2;
    root.append(s('line', { x1: x, x2: x, y1: 18 + a * ROW, y2: 18 + b * ROW, class: 'bs-link' }),
      s('rect', { x: x - 6, y: 12 + a * ROW, width: 12, height: 12, class: 'bs', style: `fill-opacity:${0.2 + 0.8 * (1 - t)}` },
        s('title', {}, `splitter ${c} on bins (${a}, ${b}): θ = ${deg(theta[c]!).toFixed(1)}°, transmissivity cos²θ = ${t.toFixed(2)}`)),
      s('rect', { x: x - 6, y: 12 + b * ROW, width: 12, height: 12, class: 'bs', style: `fill-opacity:${0.2 + 0.8 * (1 - t)}` }),
      s('text', { x, y: 9 + a * ROW, class: 'angle', 'text-anchor': 'middle' }, `${deg(theta[c]!).toFixed(0)}°`));
  }
  return root;
}

/** The Clements mesh of U: cells T(θ, φ) on neighbouring modes, packed into columns, output phases last. */
function drawMesh(mesh: ReturnType<typeof clementsDecompose>): SVGElement {
  const modes = mesh.modes, colOf: number[] = [], lastCol = new Array<number>(modes).fill(-1);
  mesh.blockModes.forEach((a, k) => {
    const c = Math.max(lastCol[a]!, lastCol[a + 1]!) + 1;
    colOf[k] = c;
    lastCol[a] = c;
    lastCol[a + 1] = c;
  });
  const cols = Math.max(0, ...colOf) + 1, colW = 44, left = 30;
  const W = left + cols * colW + 40, H = modes * ROW + 14;
  const root = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'circuit', 'data-testid': 'mesh-svg' });
  for (let m = 0; m < modes; m++) {
    root.append(s('line', { x1: left - 10, x2: W - 30, y1: 18 + m * ROW, y2: 18 + m * ROW, class: 'waveguide' }), s('text', { x: 2, y: 22 + m * ROW, class: 'tick' }, String(m)));
    root.append(s('circle', { cx: W - 22, cy: 18 + m * ROW, r: 5, class: 'phase' }, s('title', {}, `output phase ${deg(mesh.outputPhases[m]!).toFixed(1)}°`)));
  }
  mesh.blockModes.forEach((a, k) => {
    const x = left + colOf[k]! * colW + colW / 2;
    root.append(s('rect', { x: x - 15, y: 12 + a * ROW, width: 30, height: ROW + 12, rx: 4, class: 'mzi' },
      s('title', {}, `cell ${k} on modes (${a}, ${a + 1}): θ = ${deg(mesh.theta[k]!).toFixed(1)}°, φ = ${deg(mesh.phi[k]!).toFixed(1)}°`)),
    s('text', { x, y: 22 + a * ROW + ROW / 2, class: 'angle', 'text-anchor': 'middle' }, `${deg(mesh.theta[k]!).toFixed(0)}°`));
  });
  return root;
}

/** Builds the circuit panel into `root`. */
export function circuitPanel(root: HTMLElement): void {
  let modes = 6;
  let loops = [1, 2];
  let seed = 1;
  let theta = new Float64Array(0);
  const angleBox = h('div', { class: 'angles' });
  const tbiBox = h('div', { class: 'figure' }), meshBox = h('div', { class: 'figure' });
  const meanBox = h('div', { class: 'figure' }), topBox = h('div', { class: 'figure' });
  const info = h('p', { class: 'info', 'data-testid': 'circuit-info' });

  const recompute = (): void => {
    const circuit = tbi({ modes, loopLengths: loops });
    const U = circuit.unitary(theta);
    const input = alternatingInput(modes);
    replace(tbiBox, h('h3', {}, `Time-bin interferometer: ${modes} bins, loops [${loops.join(', ')}], ${circuit.nParams} splitters`), drawTbi(modes, circuit.pairs, theta, loops));
    replace(meshBox, h('h3', {}, `The same unitary as a Clements mesh (${(modes * (modes - 1)) / 2} cells, angles θ)`), drawMesh(clementsDecompose(U)));
    const means = meanCounts(U, input);
    replace(meanBox, h('h3', {}, `Exact mean photon numbers ⟨nᵢ⟩, input |${Array.from(input).join(',')}⟩`),
      barChart([means], ['bar-exact'], { xLabel: 'output bin', yLabel: '⟨n⟩', labels: Array.from(means, (_, i) => String(i)), testId: 'mean-counts', height: 180 }));
    const plan = slosPlan(modes, input);
    const clicks = clickDistribution(plan, slosDistribution(plan, U));
    const order = Array.from(clicks.keys()).sort((a, b) => clicks[b]! - clicks[a]! || a - b).slice(0, 8);
    const pattern = (m: number): string => Array.from({ length: modes }, (_, j) => ((m >>> j) & 1 ? '●' : '○')).join('');
    replace(topBox, h('h3', {}, 'Most likely click patterns (threshold detectors, SLOS, exact)'),
      h('table', { class: 'patterns', 'data-testid': 'top-patterns' }, h('tr', {}, h('th', {}, 'bins 0…'), h('th', {}, 'probability')),
        ...order.map((m) => h('tr', {}, h('td', { class: 'mono' }, pattern(m)), h('td', {}, clicks[m]!.toFixed(4))))));
    const total = means.reduce((a, b) => a + b, 0);
    info.textContent = `Σ⟨nᵢ⟩ = ${total.toFixed(6)} (photon number is conserved), ${plan.states} output states.`;
  };

  const rebuildAngles = (): void => {
    const circuit = tbi({ modes, loopLengths: loops });
    theta = new Generator(seed).uniformArray(circuit.nParams, -Math.PI, Math.PI);
    angleBox.replaceChildren(...Array.from(theta, (t, c) => {
      const sl = slider(`theta-${c}`, `θ${c} (${circuit.pairs[2 * c]},${circuit.pairs[2 * c + 1]})`, { min: -180, max: 180, step: 1, value: Math.round(deg(t)) }, (v) => {
        theta[c] = (v * Math.PI) / 180;
        sl.out.textContent = `${v}°`;
        recompute();
      });
      theta[c] = (Math.round(deg(t)) * Math.PI) / 180;
      sl.out.textContent = `${Math.round(deg(t))}°`;
      return sl.row;
    }));
    recompute();
  };

  const modeSlider = slider('circuit-modes', 'modes (time bins)', { min: 3, max: 10, step: 1, value: modes }, (v) => {
    modes = v;
    modeSlider.out.textContent = String(v);
    loops = loops.filter((l) => l < modes);
    if (loops.length === 0) loops = [1];
    loopBoxes.forEach((b, i) => { b.checked = loops.includes(i + 1); b.disabled = i + 1 >= modes; });
    rebuildAngles();
  });
  modeSlider.out.textContent = String(modes);
  const loopBoxes = [1, 2, 3, 4].map((l) => {
    const box = h('input', { type: 'checkbox', id: `loop-${l}`, checked: loops.includes(l) });
    box.addEventListener('change', () => {
      const next = [1, 2, 3, 4].filter((k, i) => loopBoxes[i]!.checked && k < modes);
      if (next.length === 0) { box.checked = true; return; }
      loops = next;
      rebuildAngles();
    });
    return box;
  });
  const shuffle = h('button', { type: 'button', id: 'circuit-random' }, 'new random angles');
  shuffle.addEventListener('click', () => { seed++; rebuildAngles(); });

  root.append(
    h('h2', {}, 'Circuit'),
    h('p', {}, 'Photons enter in time bins; each loop of length ℓ lets bin i interfere with bin i+ℓ through a variable beam splitter [[cos θ, sin θ], [−sin θ, cos θ]] (50:50 at θ = 45°). Move the angles and watch the exact statistics change.'),
    h('div', { class: 'controls' }, modeSlider.row, h('span', { class: 'loops' }, 'loops ', ...loopBoxes.flatMap((b, i) => [b, h('label', { for: `loop-${i + 1}` }, `ℓ=${i + 1} `)])), shuffle),
    angleBox, h('div', { class: 'grid2' }, tbiBox, meshBox, meanBox, topBox), info,
    homView(),
    readTheKernel(['tbi', 'clements', 'observables', 'slos', 'noisy-slos']),
  );
  rebuildAngles();
}
