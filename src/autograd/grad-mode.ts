/**
 * Grad mode: whether ops record the graph. `noGrad(fn)` runs `fn` without recording (like
 * `torch.no_grad()`), restoring the previous mode even when `fn` throws.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` with gradient recording off and returns its result.
 * @example const y = noGrad(() => mul(x, 2)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Runs `fn` with gradient recording on (inside a `noGrad` block, for example). */
export function enableGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
