// The package's own files, found from this module wherever it runs: src/ under tsx, dist/src/ once
// built, node_modules/makemore-wavenet/dist/src/ once installed, npx's cache. A path relative to the
// current directory would find them only when run from the repository root.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'makemore-wavenet';

/** The package's root directory: the nearest directory above this module whose package.json is ours. */
function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${fileURLToPath(import.meta.url)}`);
  }
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The names file the package bundles (data/names.txt), as the commands show it: relative to the
 * current directory when it lies below it (data/names.txt in the repository), else absolute.
 */
export function bundledNamesFile(): string {
  const file = join(packageRoot(), 'data', 'names.txt');
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
