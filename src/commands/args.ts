// Option parsing shared by the commands: each command's options are a table (options/declare.ts);
// parsing is strict (an unknown option is an error), and every value is read through its
// declaration: typed, checked against its bounds, its default filled in.

import { parseArgs } from 'node:util';
import { OptionError, readOption, type OptionTable, type OptionValues } from '../options/declare.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command line read against a table: `--help`, or every option's value and which were given on the command line. */
export type Parsed<T extends OptionTable> = { help: true } | { help: false; values: OptionValues<T>; given: ReadonlySet<string> };

/**
 * `argv` read against `table`: an unknown option, a value that breaks its declaration (or an `env`
 * variable's that does) is a UsageError; `--help` reads no values. An option given only through its
 * `env` variable is not in `given`.
 */
export function parseCommand<T extends OptionTable>(command: string, argv: string[], table: T): Parsed<T> {
  const options = Object.fromEntries(Object.entries(table).map(([name, d]) => [name, { type: d.type === 'boolean' ? ('boolean' as const) : ('string' as const) }]));
  let raw: Record<string, string | boolean | undefined>;
  try {
    const args = joinNegativeValues(argv, table);
    raw = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see makemore ${command} --help)`);
  }
  if (raw.help) return { help: true };
  const values: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(table)) {
    const env = 'env' in decl && decl.env && raw[name] === undefined ? processEnv(decl.env) : undefined;
    values[name] = usage(() => (env === undefined ? readOption(name, decl, raw[name]) : readOption(name, decl, env, `$${(decl as { env: string }).env}`)));
  }
  return { help: false, values: values as OptionValues<T>, given: new Set(Object.keys(table).filter((name) => raw[name] !== undefined)) };
}

/** An OptionError (a declared option's value out of bounds) as the UsageError the command line reports. */
export function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.message);
    throw e;
  }
}

function processEnv(name: string): string | undefined {
  return process.env[name] || undefined;
}

/** `--steps -5` → `--steps=-5`: parseArgs takes a leading '-' for an option, so the bound check could never say what is wrong. */
function joinNegativeValues(argv: string[], table: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    const takesValue = name !== undefined && Object.hasOwn(table, name) && table[name].type !== 'boolean';
    if (takesValue && /^-[\d.]/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}
