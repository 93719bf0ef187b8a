/**
 * `Circuit`: an ordered list of components on an m-mode interferometer, composed into one m×m unitary.
 *
 * Convention (docs/photonics.md §1): U is indexed U[out, in] and elements compose by LEFT
 * multiplication in the order they were added, U = B_last ··· B_first, where each B is the identity
 * except on the element's modes. Adding a component on modes (a, b) therefore transforms rows a and b:
 * U[[a, b], :] ← block · U[[a, b], :], O(k·k·m) per k-mode element.
 */
import { checkCMatrix, cidentity, type CMatrix } from './complex-matrix.js';
import { applyTwoModeBlock, type Component } from './components.js';

interface Placed {
  readonly modes: Int32Array;
  readonly component: Component;
  readonly flat: Float64Array | null;
}

/**
 * An m-mode linear-optical circuit (see the file comment for the composition convention).
 * @example new Circuit(3).add(0, beamSplitter(Math.PI / 4)).add(1, phaseShifter(0.3)).unitary()
 */
export class Circuit {
  readonly modes: number;
  private readonly placed: Placed[] = [];

  /**
   * An empty circuit on `modes` modes (its unitary is the identity).
   * @example const c = new Circuit(2).add(0, beamSplitter(Math.PI / 4)); c.unitary()
   */
  constructor(modes: number) {
    if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`Circuit: modes must be a positive integer, got ${modes}`);
    this.modes = modes;
  }

  /** Number of components added so far. @example new Circuit(2).length // 0 */
  get length(): number {
    return this.placed.length;
  }

  /**
   * Appends `component` acting on `modes`: either the first of `component.size` consecutive modes
   * (a number) or an explicit list (local mode k of the component is circuit mode modes[k]).
   * Returns `this` for chaining. Throws on out-of-range, repeated or wrongly counted modes.
   * @example new Circuit(3).add(0, beamSplitter(0.3)).add([2, 1], beamSplitter(0.7))
   */
  add(modes: number | ArrayLike<number>, component: Component): this {
    if (component === null || typeof component !== 'object' || !Number.isInteger(component.size)) {
      throw new TypeError('Circuit.add: component must be a Component {name, size, matrix}');
    }
    checkCMatrix(component.matrix, 'Circuit.add', 'component.matrix', true);
    if (component.matrix.rows !== component.size) {
      throw new RangeError(`Circuit.add: component '${component.name}' has size ${component.size} but a ${component.matrix.rows}×${component.matrix.rows} matrix`);
    }
    const list =
      typeof modes === 'number' ? Array.from({ length: component.size }, (_, k) => modes + k) : Array.from(modes);
    if (list.length !== component.size) {
      throw new RangeError(`Circuit.add: component '${component.name}' acts on ${component.size} modes, got ${list.length} (${list.join(', ')})`);
    }
    const seen = new Set<number>();
    for (const q of list) {
      if (!Number.isInteger(q) || q < 0 || q >= this.modes) {
        throw new RangeError(`Circuit.add: modes must be integers in [0, ${this.modes}), got [${list.join(', ')}] for '${component.name}'`);
      }
      if (seen.has(q)) throw new RangeError(`Circuit.add: modes must be distinct, got [${list.join(', ')}]`);
      seen.add(q);
    }
    let flat: Float64Array | null = null;
    if (component.size === 2) {
      flat = new Float64Array(8);
      for (let k = 0; k < 4; k++) {
        flat[2 * k] = component.matrix.re[k]!;
        flat[2 * k + 1] = component.matrix.im[k]!;
      }
    }
    this.placed.push({ modes: Int32Array.from(list), component, flat });
    return this;
  }

  /**
   * The composed m×m transfer matrix U[out, in] = B_last ··· B_first, into `out` (overwritten) or new.
   * @example new Circuit(2).add(0, beamSplitter(Math.PI / 4)).unitary()
   */
  unitary(out?: CMatrix): CMatrix {
    const m = this.modes;
    let u: CMatrix;
    if (out !== undefined) {
      checkCMatrix(out, 'Circuit.unitary', 'out', true);
      if (out.rows !== m) throw new RangeError(`Circuit.unitary: out must be ${m}×${m}, got ${out.rows}×${out.cols}`);
      out.re.fill(0);
      out.im.fill(0);
      for (let i = 0; i < m; i++) out.re[i * m + i] = 1;
      u = out;
    } else {
      u = cidentity(m);
    }
    let tmpRe = new Float64Array(0);
    let tmpIm = new Float64Array(0);
    for (const { modes, component, flat } of this.placed) {
      if (flat !== null) {
        applyTwoModeBlock(u, modes[0]!, modes[1]!, flat);
        continue;
      }
      const k = component.size;
      if (tmpRe.length < k * m) {
        tmpRe = new Float64Array(k * m);
        tmpIm = new Float64Array(k * m);
      }
      const b = component.matrix;
      // tmp[r, :] = Σ_s b[r, s]·U[modes[s], :]
      tmpRe.fill(0, 0, k * m);
      tmpIm.fill(0, 0, k * m);
      for (let r = 0; r < k; r++) {
        for (let s = 0; s < k; s++) {
          const br = b.re[r * k + s]!;
          const bi = b.im[r * k + s]!;
          if (br === 0 && bi === 0) continue;
          const src = modes[s]! * m;
          for (let c = 0; c < m; c++) {
            const xr = u.re[src + c]!;
            const xi = u.im[src + c]!;
            tmpRe[r * m + c]! += br * xr - bi * xi;
            tmpIm[r * m + c]! += br * xi + bi * xr;
          }
        }
      }
      for (let r = 0; r < k; r++) {
        const dst = modes[r]! * m;
        for (let c = 0; c < m; c++) {
          u.re[dst + c] = tmpRe[r * m + c]!;
          u.im[dst + c] = tmpIm[r * m + c]!;
        }
      }
    }
    return u;
  }

  /**
   * The whole circuit as one component (its current unitary), e.g. to nest it in a larger circuit.
   * @example big.add([0, 1], small.toComponent('inner'))
   */
  toComponent(name = 'Circuit'): Component {
    return { name, size: this.modes, matrix: this.unitary() };
  }
}
