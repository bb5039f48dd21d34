// A command's options declared once, as argparse does: name, type, default, bounds and help. The
// command line's parsing (commands/args.ts), each value's check and `--help` all derive from the
// declaration. Plain TS: the presets declare theirs here too, and the page reads them.

/**
 * How one option reads its value. `help` is one line (a '\n' continues it on the next, aligned);
 * `arg` names the value in `--help` (default N, X, …); `env` names an environment variable that
 * gives the value when the option is not given (read by the command line, not here).
 */
export type OptionDecl =
  | { type: 'int'; default?: number; min: number; max?: number; help: string; arg?: string }
  | { type: 'number'; default?: number; min?: number; above?: number; below?: number; help: string; arg?: string }
  | { type: 'string'; default?: string; help: string; arg?: string; env?: string }
  | { type: 'boolean'; help: string }
  | { type: 'choice'; choices: readonly string[]; default?: string; help: string; env?: string }
  | { type: 'ints'; default?: readonly number[]; min: number; max: number; help: string; arg?: string };

/** A command's (or a preset's) options by name. */
export type OptionTable = Readonly<Record<string, OptionDecl>>;

/** The value type option `D` reads to. */
export type OptionValue<D> = D extends { type: 'int' | 'number' }
  ? number
  : D extends { type: 'ints' }
    ? number[]
    : D extends { type: 'boolean' }
      ? boolean
      : D extends { type: 'choice'; choices: readonly (infer C)[] }
        ? C
        : string;

/** A table's values: an option without a default (nor a boolean) may be undefined. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]: OptionValue<T[K]> | (T[K] extends { type: 'boolean' } | { default: unknown } ? never : undefined);
};

/** A value that breaks its option's rule: the message names the option. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/**
 * The value of option `name` from its raw command-line text (undefined: not given), checked; its
 * default when not given. `label` is how the message names where the value came from.
 */
export function readOption(name: string, decl: OptionDecl, raw: string | boolean | undefined, label = `--${name}`): unknown {
  if (raw === undefined) return decl.type === 'boolean' ? false : decl.type === 'ints' && decl.default ? [...decl.default] : decl.default;
  switch (decl.type) {
    case 'boolean':
      return raw === true;
    case 'string':
      return String(raw);
    case 'choice':
      if (!decl.choices.includes(String(raw))) throw new OptionError(`${label} must be one of ${decl.choices.join(', ')}, got "${raw}"`);
      return String(raw);
    case 'int':
      return int(label, String(raw), decl.min, decl.max);
    case 'ints':
      return String(raw)
        .split(',')
        .map((part) => int(label, part.trim(), decl.min, decl.max, 'a comma-separated list of integers'));
    case 'number': {
      const n = Number(raw);
      const ok = String(raw).trim() !== '' && Number.isFinite(n) && (decl.min === undefined || n >= decl.min) && (decl.above === undefined || n > decl.above) && (decl.below === undefined || n < decl.below);
      if (!ok) throw new OptionError(`${label} must be a number${bounds(decl)}, got "${raw}"`);
      return n;
    }
  }
}

function int(label: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER, what = 'an integer'): number {
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max.toLocaleString('en-US')}`;
    throw new OptionError(`${label} must be ${what} ${range}, got "${raw}"`);
  }
  return n;
}

function bounds(decl: { min?: number; above?: number; below?: number }): string {
  const parts = [decl.min !== undefined && `≥ ${decl.min}`, decl.above !== undefined && `> ${decl.above}`, decl.below !== undefined && `< ${decl.below}`].filter(Boolean);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

/** Where help text starts: an option whose `--name ARG` does not fit before it has its help on the next line, as argparse's. */
export const HELP_COLUMN = 25;

/** `--help` lines for a table: `  --name ARG  help (default D)`, aligned at HELP_COLUMN (the default ends the help's last line); `indent` spaces before each option. */
export function optionsHelp(table: OptionTable, indent = 2): string {
  const pad = ' '.repeat(HELP_COLUMN);
  return Object.entries(table)
    .map(([name, d]) => {
      const head = `${' '.repeat(indent)}--${name}${d.type === 'boolean' ? '' : ` ${argName(d)}`}`;
      const lines = `${d.help}${defaultText(d)}`.split('\n').map((line) => pad + line);
      if (head.length + 2 <= HELP_COLUMN) lines[0] = head.padEnd(HELP_COLUMN) + lines[0].slice(HELP_COLUMN);
      else lines.unshift(head);
      return lines.map((line) => `${line}\n`).join('');
    })
    .join('');
}

function argName(d: OptionDecl): string {
  if (d.type === 'choice') return d.choices.join('|');
  if (d.type === 'boolean') return '';
  return d.arg ?? (d.type === 'int' ? 'N' : d.type === 'ints' ? 'N[,N…]' : d.type === 'number' ? 'X' : 'TEXT');
}

/** ` (default D)`, or `(default $ENV or D)`; empty for an option without one. */
export function defaultText(d: OptionDecl): string {
  if (d.type === 'boolean' || d.default === undefined) return '';
  const value = Array.isArray(d.default) ? d.default.join(',') : String(d.default);
  return ` (default ${'env' in d && d.env ? `$${d.env} or ` : ''}${value})`;
}
