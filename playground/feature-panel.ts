/**
 * Feature panel: the 512-value group histogram of the 16-mode, loops [1, 2] circuit (click patterns
 * of bins 0–7 and 8–15, each a normalised 256-bin histogram), exact (S = ∞) against an S-shot sample
 * drawn by Clifford & Clifford; the EMA of a stream of S-shot features and its variance ratio against
 * (1 − β)/(1 + β); and the shot error against S with the exact expectation √(Σ p(1 − p)/S).
 */
import { Generator } from '../src/index.js';
import { Ema } from '../src/pqkd/index.js';
import {
  tbi, alternatingInput, exactGroupHistogram, CliffordSampler, sampleClickMasks, groupHistogram,
} from '../src/photonics/index.js';
import { barChart, h, lineChart, replace, slider } from './dom.js';
import { readTheKernel } from './kernel-notes.js';

const MODES = 16;
const EMA_STEPS = 400;
const EMA_SHOTS = 64;
const EMA_BURN_IN = 100;
const CURVE_SHOTS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];
const CURVE_REPEATS = 4;

function l2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(acc);
}

/** Sum over bins of the time variance of stream[t][bin] for t ≥ from. */
function summedVariance(stream: Float64Array[], from: number): number {
  const n = stream.length - from, dim = stream[0]!.length;
  let total = 0;
  for (let i = 0; i < dim; i++) {
    let mean = 0;
    for (let t = from; t < stream.length; t++) mean += stream[t]![i]!;
    mean /= n;
    let v = 0;
    for (let t = from; t < stream.length; t++) v += (stream[t]![i]! - mean) ** 2;
    total += v / (n - 1);
  }
  return total;
}

/** Builds the feature panel into `root`; the heavier EMA stream and error curve are computed after first paint. */
export function featurePanel(root: HTMLElement): void {
  const circuit = tbi({ modes: MODES, loopLengths: [1, 2] });
  const theta = new Generator(7).uniformArray(circuit.nParams, -Math.PI, Math.PI);
  const U = circuit.unitary(theta);
  const input = alternatingInput(MODES);
  const exact = exactGroupHistogram(U, input);
  const sampler = new CliffordSampler(U, input);
  const draw = (shots: number, gen: Generator): Float64Array => groupHistogram(sampleClickMasks(sampler, shots, gen));
  const expectedError = (shots: number): number => Math.sqrt(exact.reduce((a, p) => a + p * (1 - p), 0) / shots);

  let shots = 200;
  let drawSeed = 0;
  const histBox = h('div', { class: 'figure wide' });
  const distance = h('strong', { 'data-testid': 'feature-distance' });
  const distanceLine = h('p', { class: 'readout' });
  const updateHistogram = (): void => {
    const phi = draw(shots, new Generator(drawSeed).fork('shots').fork(shots));
    const d = l2(phi, exact);
    distance.textContent = d.toFixed(4);
    distance.dataset['value'] = String(d);
    distance.dataset['shots'] = String(shots);
    replace(distanceLine, `S = ${shots} shots: ‖φ̂ − φ‖₂ = `, distance, ` (expected about ${expectedError(shots).toFixed(4)} = √(Σ p(1−p)/S))`);
    replace(histBox, barChart([exact, phi], ['bar-exact', 'bar-sample'], {
      xLabel: 'feature index (0–255: clicks of bins 0–7, 256–511: bins 8–15)', yLabel: 'probability', width: 920, height: 220, testId: 'feature-histogram',
    }));
  };
  const exponent = slider('feature-shots', 'shots S = 2^k', { min: 3, max: 14, step: 1, value: Math.log2(256) }, (v) => {
    shots = 2 ** v;
    exponent.out.textContent = String(shots);
    updateHistogram();
  });
  shots = 256;
  exponent.out.textContent = String(shots);
  const redraw = h('button', { type: 'button', id: 'feature-redraw' }, 'draw again');
  redraw.addEventListener('click', () => { drawSeed++; updateHistogram(); });

  // EMA over a stream of EMA_SHOTS-shot features (drawn once, smoothed again whenever β moves).
  let beta = 0.9;
  let stream: Float64Array[] | null = null;
  const emaBox = h('div', { class: 'figure' });
  const ratio = h('strong', { 'data-testid': 'ema-ratio' });
  const updateEma = (): void => {
    if (!stream) return;
    const ema = new Ema(beta);
    const smoothed = stream.map((x) => Float64Array.from(ema.update(x)));
    const measured = summedVariance(smoothed, EMA_BURN_IN) / summedVariance(stream, EMA_BURN_IN);
    ratio.textContent = measured.toFixed(4);
    ratio.dataset['value'] = String(measured);
    const bin = exact.reduce((best, p, i) => (p * (1 - p) > exact[best]! * (1 - exact[best]!) ? i : best), 0);
    const steps = stream.map((_, t) => t);
    replace(emaBox, h('h3', {}, `EMA over ${EMA_STEPS} steps of ${EMA_SHOTS}-shot features (feature ${bin})`),
      lineChart([
        { name: 'raw φ̂ₜ', x: steps, y: stream.map((x) => x[bin]!), cls: 's2' },
        { name: `EMA β = ${beta.toFixed(2)}`, x: steps, y: smoothed.map((x) => x[bin]!), cls: 's1' },
        { name: 'exact φ', x: [0, EMA_STEPS - 1], y: [exact[bin]!, exact[bin]!], cls: 's3' },
      ], { xLabel: 'step t', yLabel: `φ[${bin}]`, testId: 'ema-chart' }),
      h('p', { class: 'readout' }, `Var(φ̄)/Var(φ̂) over steps ${EMA_BURN_IN}–${EMA_STEPS - 1}, summed over 512 features: `, ratio,
        `; theory for independent draws (1 − β)/(1 + β) = ${((1 - beta) / (1 + beta)).toFixed(4)}`));
  };
  const betaSlider = slider('ema-beta', 'EMA β', { min: 0, max: 0.95, step: 0.01, value: beta }, (v) => {
    beta = v;
    betaSlider.out.textContent = v.toFixed(2);
    updateEma();
  });
  betaSlider.out.textContent = beta.toFixed(2);

  const curveBox = h('div', { class: 'figure', 'data-testid': 'shot-curve-box' }, h('p', {}, 'computing the shot-error curve…'));
  const computeLater = (): void => {
    const gen = new Generator(3);
    stream = Array.from({ length: EMA_STEPS }, (_, t) => draw(EMA_SHOTS, gen.fork('ema').fork(t)));
    updateEma();
    const measured = CURVE_SHOTS.map((S) => {
      let acc = 0;
      for (let r = 0; r < CURVE_REPEATS; r++) acc += l2(draw(S, gen.fork('curve').fork(S).fork(r)), exact) ** 2;
      return Math.sqrt(acc / CURVE_REPEATS);
    });
    replace(curveBox, h('h3', {}, `Shot error ‖φ̂ − φ‖₂ against S (RMS of ${CURVE_REPEATS} draws)`),
      lineChart([
        { name: 'measured', x: CURVE_SHOTS, y: measured, cls: 's1', points: true },
        { name: '√(Σ p(1−p)/S) ∝ 1/√S', x: CURVE_SHOTS, y: CURVE_SHOTS.map(expectedError), cls: 's3' },
      ], { xLog: true, yLog: true, xLabel: 'shots S', yLabel: 'L2 error', testId: 'shot-curve' }));
    root.dataset['ready'] = 'true';
  };

  root.append(
    h('h2', {}, 'Feature'),
    h('p', {}, `A 16-bin time-bin interferometer (loops [1, 2], 29 fixed random angles, 8 photons in |1,0,1,0,…⟩). Its feature is the 512-value group histogram: how often each click pattern of bins 0–7 and of bins 8–15 occurs. The exact value needs the whole output distribution; a real device gives S shots.`),
    h('div', { class: 'controls' }, exponent.row, redraw), distanceLine, histBox,
    h('div', { class: 'controls' }, betaSlider.row), h('div', { class: 'grid2' }, emaBox, curveBox),
    readTheKernel(['clifford', 'features', 'exact-features', 'ema']),
  );
  updateHistogram();
  setTimeout(computeLater, 0);
}
