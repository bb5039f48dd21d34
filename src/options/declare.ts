// A command's options declared once, as argparse does: name, type, default, bounds and help. The
// command line's parsing (commands/args.ts), each value's check and `--help` all derive from the
// declaration. Plain TS: the presets declare theirs here too, and the page reads them.

/** How one option reads its value. `help` is one line; `arg` names the value in `--help` (default N, X, …). */
export type OptionDecl =
  | { type: 'int'; default?: number; min: number; max?: number; help: string; arg?: string }
  | { type: 'number'; default?: number; min?: number; above?: number; below?: number; help: string; arg?: string }
  | { type: 'string'; default?: string; help: string; arg?: string }
  | { type: 'boolean'; help: string }
  | { type: 'choice'; choices: readonly string[]; default?: string; help: string }
  | { type: 'ints'; default?: number[]; min: number; max: number; help: string; arg?: string };

export type OptionTable = Readonly<Record<string, OptionDecl>>;

/** A value that breaks its option's rule: the message names the option. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/** The value of option `name` from its raw command-line text (undefined: not given), checked; its default when not given. */
export function readOption(name: string, decl: OptionDecl, raw: string | boolean | undefined): unknown {
  if (raw === undefined) return decl.type === 'boolean' ? false : decl.default;
  switch (decl.type) {
    case 'boolean':
      return raw === true;
    case 'string':
      return String(raw);
    case 'choice':
      if (!decl.choices.includes(String(raw))) throw new OptionError(`--${name} must be one of ${decl.choices.join(', ')}, got "${raw}"`);
      return String(raw);
    case 'int':
      return int(name, String(raw), decl.min, decl.max);
    case 'ints':
      return String(raw)
        .split(',')
        .map((part) => int(name, part.trim(), decl.min, decl.max, 'a comma-separated list of integers'));
    case 'number': {
      const n = Number(raw);
      const ok = String(raw).trim() !== '' && Number.isFinite(n) && (decl.min === undefined || n >= decl.min) && (decl.above === undefined || n > decl.above) && (decl.below === undefined || n < decl.below);
      if (!ok) throw new OptionError(`--${name} must be a number${bounds(decl)}, got "${raw}"`);
      return n;
    }
  }
}

function int(name: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER, what = 'an integer'): number {
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max.toLocaleString('en-US')}`;
    throw new OptionError(`--${name} must be ${what} ${range}, got "${raw}"`);
  }
  return n;
}

function bounds(decl: { min?: number; above?: number; below?: number }): string {
  const parts = [decl.min !== undefined && `≥ ${decl.min}`, decl.above !== undefined && `> ${decl.above}`, decl.below !== undefined && `< ${decl.below}`].filter(Boolean);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

/** `--help` lines for a table: `  --name ARG  help (default D)`, aligned. */
export function optionsHelp(table: OptionTable): string {
  const heads = Object.entries(table).map(([name, d]) => `  --${name}${d.type === 'boolean' ? '' : ` ${argName(d)}`}`);
  const width = Math.max(22, ...heads.map((h) => h.length + 2));
  return Object.values(table)
    .map((d, i) => `${heads[i].padEnd(width)}${d.help}${defaultText(d)}\n`)
    .join('');
}

function argName(d: OptionDecl): string {
  if (d.type === 'choice') return d.choices.join('|');
  if (d.type === 'boolean') return '';
  return d.arg ?? (d.type === 'int' ? 'N' : d.type === 'ints' ? 'N[,N…]' : d.type === 'number' ? 'X' : 'TEXT');
}

function defaultText(d: OptionDecl): string {
  if (d.type === 'boolean' || d.default === undefined) return '';
  return ` (default ${Array.isArray(d.default) ? d.default.join(',') : d.default})`;
}
