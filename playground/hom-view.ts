/**
 * The Hong–Ou–Mandel dip: two photons, one in each input of a beam splitter at angle θ, with
 * indistinguishability p (the probability that their internal states agree). P(1,1) — one photon in
 * each output — is p·(T − R)² + (1 − p)·(T² + R²) with T = cos²θ, R = sin²θ, so it vanishes at
 * 50:50 for identical photons and is ½ there for distinguishable ones. The page computes it with the
 * library's exact partial-distinguishability SLOS, not with this formula.
 */
import { Circuit, beamSplitter, slosPlan, slosStateIndex, partialDistinguishabilityDistribution } from '../src/photonics/index.js';
import { h, lineChart, replace, slider } from './dom.js';

const plan = slosPlan(2, [1, 1]);
const index11 = slosStateIndex(plan, [1, 1]);
const index20 = slosStateIndex(plan, [2, 0]);
const index02 = slosStateIndex(plan, [0, 2]);

function distribution(thetaDeg: number, p: number): Float64Array {
  const U = new Circuit(2).add([0, 1], beamSplitter((thetaDeg * Math.PI) / 180)).unitary();
  return partialDistinguishabilityDistribution(plan, U, p);
}

/** The HOM block: θ and p sliders, P(1,1) as a number and as a curve over θ. */
export function homView(): HTMLElement {
  let thetaDeg = 30;
  let p = 1;
  const readout = h('p', { class: 'readout' });
  const value = h('strong', { 'data-testid': 'hom-p11' });
  const chartBox = h('div', { class: 'figure' });
  const update = (): void => {
    const probs = distribution(thetaDeg, p);
    const p11 = probs[index11]!;
    const T = Math.cos((thetaDeg * Math.PI) / 180) ** 2;
    value.textContent = p11.toFixed(4);
    value.dataset['value'] = String(p11);
    replace(readout, `θ = ${thetaDeg.toFixed(1)}°, transmissivity T = cos²θ = ${T.toFixed(3)}${Math.abs(T - 0.5) < 1e-9 ? ' (50:50)' : ''}: P(1,1) = `, value,
      `, P(2,0) = ${probs[index20]!.toFixed(4)}, P(0,2) = ${probs[index02]!.toFixed(4)}; distinguishability 1 − p = ${(1 - p).toFixed(2)}`);
    const xs: number[] = [], ys: number[] = [], ysDist: number[] = [];
    for (let d = 0; d <= 90; d += 1) {
      xs.push(d);
      ys.push(distribution(d, p)[index11]!);
      ysDist.push(distribution(d, 0)[index11]!);
    }
    replace(chartBox, lineChart([
      { name: `P(1,1), p = ${p.toFixed(2)}`, x: xs, y: ys, cls: 's1' },
      { name: 'fully distinguishable', x: xs, y: ysDist, cls: 's2' },
      { name: 'this θ', x: [thetaDeg], y: [p11], cls: 's3', points: true },
    ], { xLabel: 'splitter angle θ (degrees; 45° = 50:50)', yLabel: 'P(1,1)', yMin: 0, yMax: 1, testId: 'hom-chart' }));
  };
  const thetaSlider = slider('hom-theta', 'splitter angle θ (°)', { min: 0, max: 90, step: 0.5, value: thetaDeg }, (v) => {
    thetaDeg = v;
    thetaSlider.out.textContent = `${v}°`;
    update();
  });
  thetaSlider.out.textContent = `${thetaDeg}°`;
  const pSlider = slider('hom-p', 'indistinguishability p', { min: 0, max: 1, step: 0.01, value: p }, (v) => {
    p = v;
    pSlider.out.textContent = v.toFixed(2);
    update();
  });
  pSlider.out.textContent = p.toFixed(2);
  update();
  return h('section', { class: 'hom', id: 'hom' },
    h('h3', {}, 'Hong–Ou–Mandel dip'),
    h('p', {}, 'Two photons meet on one beam splitter. Identical photons (p = 1) never leave in different ports at 50:50; fully distinguishable ones (p = 0) do half of the time.'),
    h('div', { class: 'controls' }, thetaSlider.row, pSlider.row), readout, chartBox);
}
