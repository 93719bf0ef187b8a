/**
 * Fock-state helpers: occupation vectors (Int32Array, one count per mode), their validation,
 * photon lists (input modes with repetition, ascending) and factorial weights Π s_i!.
 */

/**
 * Throws a RangeError naming `op`/`arg` unless `s` is a list of `modes` non-negative integers
 * (`modes` omitted: any length ≥ 1). Returns the photon number Σ s_i.
 * @example checkOccupation('myOp', 'input', [1, 0, 1], 3) // 2
 */
export function checkOccupation(op: string, arg: string, s: ArrayLike<number>, modes?: number): number {
  if (s === null || typeof s !== 'object' || typeof s.length !== 'number') {
    throw new TypeError(`${op}: ${arg} must be an occupation vector (Int32Array or number[]), got ${String(s)}`);
  }
  if (modes !== undefined && s.length !== modes) {
    throw new RangeError(`${op}: ${arg} must list ${modes} mode occupations (one per circuit mode), got ${s.length}`);
  }
  if (s.length < 1) throw new RangeError(`${op}: ${arg} must have at least one mode, got 0`);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`${op}: ${arg}[${i}] must be a non-negative integer photon count, got ${v}`);
    }
    n += v;
  }
  return n;
}

/**
 * The input modes of each photon, with repetition, ascending: [1, 0, 2] → [0, 2, 2].
 * @example photonModeList([1, 0, 2]) // Int32Array [0, 2, 2]
 */
export function photonModeList(s: ArrayLike<number>): Int32Array {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += s[i]!;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < s.length; i++) for (let c = 0; c < s[i]!; c++) out[k++] = i;
  return out;
}

const FACTORIALS: number[] = [1];

/** k! as a float64 (exact up to 18!, then correctly rounded products). @example factorial(5) // 120 */
export function factorial(k: number): number {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`factorial: k must be a non-negative integer, got ${k}`);
  while (FACTORIALS.length <= k) FACTORIALS.push(FACTORIALS[FACTORIALS.length - 1]! * FACTORIALS.length);
  return FACTORIALS[k]!;
}

const LOG_FACTORIALS: number[] = [0];

/**
 * ln k! as a sum of logarithms (cached): finite far past 170, where k! overflows float64; relative
 * error about k·2^-53 in the logarithm. @example Math.exp(logFactorial(5)) // ≈ 120
 */
export function logFactorial(k: number): number {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`logFactorial: k must be a non-negative integer, got ${k}`);
  while (LOG_FACTORIALS.length <= k) LOG_FACTORIALS.push(LOG_FACTORIALS[LOG_FACTORIALS.length - 1]! + Math.log(LOG_FACTORIALS.length));
  return LOG_FACTORIALS[k]!;
}

/** Largest n with n! finite in float64 (171! overflows). */
export const MAX_FINITE_FACTORIAL = 170;

/** Π_i s_i! @example factorialProduct([2, 0, 3]) // 12 */
export function factorialProduct(s: ArrayLike<number>): number {
  let p = 1;
  for (let i = 0; i < s.length; i++) p *= factorial(s[i]!);
  return p;
}

/** Binomial coefficient C(n, k) as a float64 (0 outside 0 ≤ k ≤ n). @example binomial(5, 2) // 10 */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  const kk = Math.min(k, n - k);
  // r·(n−kk+i)/i = C(n−kk+i, i) is an integer at every step, so this is exact below 2^53.
  for (let i = 1; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return r;
}

/** Number of Fock states of n photons in m modes, C(m+n−1, n). @example fockSpaceSize(16, 8) // 490314 */
export function fockSpaceSize(modes: number, photons: number): number {
  return binomial(modes + photons - 1, photons);
}
