/**
 * Hostile-input guards for configuration coming from users (--config files, --grid, flags, manifests):
 * every key is checked before anything is assigned. `__proto__`, `constructor` and `prototype` are
 * refused at any depth, and dotted paths must name fields of the config schema (the shape of
 * `defaultConfig()`), so no input can reach Object.prototype or create fields the schema lacks.
 * Objects built here are plain JSON-like values assigned only through own, schema-checked keys.
 */
import { defaultConfig } from '../pqkd/config.js';
import { CliError } from './errors.js';

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Throws a CliError (naming `where` and the key path) when any key at any depth is a prototype key. */
export function rejectPrototypeKeys(value: unknown, where: string, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => rejectPrototypeKeys(v, where, `${path}[${i}]`));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) throw new CliError(`${where}: key "${at}" is not allowed (prototype keys are refused)`);
    rejectPrototypeKeys(value[key], where, at);
  }
}

const SCHEMA = defaultConfig('mnist') as unknown as Record<string, unknown>;

/**
 * Splits a dotted config path and checks every part against the schema (e.g. 'student.rank' →
 * ['student', 'rank']); a part that is empty, a prototype key or not a schema field is a CliError.
 */
export function configPathParts(path: string, where: string): string[] {
  if (typeof path !== 'string' || path === '') throw new CliError(`${where}: expected a config path like "student.rank", got ${JSON.stringify(path)}`);
  const parts = path.split('.');
  let node: unknown = SCHEMA;
  parts.forEach((part, i) => {
    if (FORBIDDEN_KEYS.has(part)) throw new CliError(`${where}: "${path}" is not allowed (prototype keys are refused)`);
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) {
      const prefix = parts.slice(0, i).join('.');
      const known = isPlainObject(node) ? Object.keys(node).join(', ') : `none: ${prefix} is a value`;
      throw new CliError(`${where}: "${path}" is not a config field (${prefix ? `fields of ${prefix}` : 'top-level fields'}: ${known})`);
    }
    node = node[part];
  });
  return parts;
}

/** Sets `value` at a checked path in `target`, creating plain objects on the way. */
export function setConfigPath(target: Record<string, unknown>, path: string, value: unknown, where: string): void {
  const parts = configPathParts(path, where);
  rejectPrototypeKeys(value, where, path);
  let node = target;
  for (const p of parts.slice(0, -1)) {
    const next = Object.hasOwn(node, p) ? node[p] : undefined;
    if (!isPlainObject(next)) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

/** Deep merge of two JSON-like objects (b wins); prototype keys in either are refused. */
export function mergeConfig(a: Record<string, unknown>, b: Record<string, unknown>, where: string): Record<string, unknown> {
  rejectPrototypeKeys(b, where);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) out[k] = v;
  for (const [k, v] of Object.entries(b)) {
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    out[k] = isPlainObject(v) && isPlainObject(prev) ? mergeConfig(prev, v, where) : v;
  }
  return out;
}
