// The public names of a package entry whose shipped declarations carry no TSDoc comment. Reads what
// tsc emits: the entry's `export { a, type B } from './x.ts'` and `export * from './y.ts'` lines
// (declarations keep the sources' .ts specifiers, which TypeScript resolves to the .d.ts files),
// and in each module the `export declare function a…` / `export interface B…` they point to.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The names `entry` (a .d.ts file) exports without a doc comment, as "name (file)". */
export function undocumentedExports(entry: string): string[] {
  const missing: string[] = [];
  for (const { names, file } of reexports(entry)) {
    const text = readFileSync(file, 'utf8');
    for (const name of names) if (!documented(text, name, file)) missing.push(`${name} (${file})`);
  }
  return missing;
}

function reexports(entry: string): { names: string[]; file: string }[] {
  const text = readFileSync(entry, 'utf8');
  const declarations = (spec: string) => join(dirname(entry), spec.replace(/\.[jt]s$/, '.d.ts'));
  const found: { names: string[]; file: string }[] = [];
  for (const [, list, spec] of text.matchAll(/^export (?:type )?\{([^}]*)\} from '([^']+)';$/gm)) {
    const names = list.split(',').map((n) => n.trim().replace(/^type /, '')).filter(Boolean);
    found.push({ names, file: declarations(spec) });
  }
  for (const [, spec] of text.matchAll(/^export \* from '([^']+)';$/gm)) found.push(...reexports(declarations(spec)));
  return found;
}

function documented(text: string, name: string, file: string): boolean {
  const declaration = new RegExp(`^export (?:declare )?(?:abstract )?(?:class|function|const|interface|type) ${name}\\b`, 'm').exec(text);
  if (!declaration) throw new Error(`${file}: no declaration of ${name}`);
  const before = text.slice(0, declaration.index).trimEnd();
  return before.endsWith('*/') && before.lastIndexOf('/**') > before.lastIndexOf('*/', before.length - 3);
}
