/**
 * `StateDictError`: why `Module.loadStateDict` refused a state dict. It lists every problem at once
 * (like PyTorch's "Error(s) in loading state_dict for …"), and keeps them as data for callers.
 */

/** One entry whose value cannot be copied into the module's tensor of the same name. */
export interface StateDictMismatch {
  key: string;
  /** 'shape': sizes differ; 'dtype': element types differ; 'type': the value is not a Tensor. */
  kind: 'shape' | 'dtype' | 'type';
  /** What the module holds (e.g. "[8, 1, 3, 3]" or "float32"). */
  expected: string;
  /** What the state dict gave. */
  got: string;
}

/**
 * Thrown by `Module.loadStateDict` (nothing is copied when it is thrown).
 * @example
 * try { model.loadStateDict(sd); } catch (e) { if (e instanceof StateDictError) console.log(e.missingKeys); }
 */
export class StateDictError extends Error {
  constructor(
    readonly moduleName: string,
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
    readonly mismatches: readonly StateDictMismatch[],
  ) {
    super(StateDictError.describe(moduleName, missingKeys, unexpectedKeys, mismatches));
    this.name = 'StateDictError';
  }

  private static describe(
    moduleName: string,
    missing: readonly string[],
    unexpected: readonly string[],
    mismatches: readonly StateDictMismatch[],
  ): string {
    const lines = [`loadStateDict: error(s) in loading the state dict of ${moduleName}:`];
    const quote = (keys: readonly string[]): string => keys.map((k) => JSON.stringify(k)).join(', ');
    if (missing.length > 0) lines.push(`  missing key(s): ${quote(missing)}`);
    if (unexpected.length > 0) lines.push(`  unexpected key(s): ${quote(unexpected)}`);
    for (const m of mismatches) {
      const what = m.kind === 'shape' ? 'shape mismatch' : m.kind === 'dtype' ? 'dtype mismatch' : 'not a Tensor';
      lines.push(`  ${what} for ${JSON.stringify(m.key)}: the module has ${m.expected}, the state dict gives ${m.got}`);
    }
    return lines.join('\n');
  }
}
