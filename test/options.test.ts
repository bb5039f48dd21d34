// Options declared once (src/options/declare.ts): each value read through its declaration, the
// `--help` lines rendered from it, the command line parsed against a table (src/commands/args.ts),
// and every command's --help listing every option it declares, with its default.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { defaultText, HELP_COLUMN, OptionError, optionsHelp, readOption, type OptionDecl, type OptionTable } from '../src/options/declare.ts';
import { parseCommand, UsageError } from '../src/commands/args.ts';
import { PRESETS } from '../src/presets/registry.ts';
import { TRAIN_OPTIONS } from '../src/commands/train.ts';
import { EVAL_OPTIONS } from '../src/commands/eval.ts';
import { SAMPLE_OPTIONS } from '../src/commands/sample.ts';
import { INFO_OPTIONS } from '../src/commands/info.ts';
import { LR_FIND_OPTIONS } from '../src/commands/lr-find.ts';
import { EMBEDDINGS_OPTIONS } from '../src/commands/embeddings.ts';
import { SWEEP_OPTIONS } from '../src/commands/sweep.ts';
import { SPEC_OPTIONS } from '../src/commands/spec.ts';
import { EXPORT_OPTIONS } from '../src/commands/export.ts';

const CLI = ['--import', 'tsx', new URL('../src/cli.ts', import.meta.url).pathname];

function optionError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return (e as Error).message;
  }
  throw new Error('expected an OptionError');
}

describe('readOption', () => {
  const steps: OptionDecl = { type: 'int', min: 1, max: 10_000_000, default: 3000, help: '' };

  it('gives the default when the option is not given (false for a flag, a copy of a list)', () => {
    expect(readOption('steps', steps, undefined)).toBe(3000);
    expect(readOption('lr', { type: 'number', above: 0, help: '' }, undefined)).toBeUndefined();
    expect(readOption('force', { type: 'boolean', help: '' }, undefined)).toBe(false);
    expect(readOption('force', { type: 'boolean', help: '' }, true)).toBe(true);
    const list: OptionDecl = { type: 'ints', min: 1, max: 9, default: [4, 5], help: '' };
    const value = readOption('channels', list, undefined) as number[];
    expect(value).toEqual([4, 5]);
    value.push(6);
    expect(list.default).toEqual([4, 5]);
  });

  it('reads an int within its bounds, and names the bounds otherwise', () => {
    expect(readOption('steps', steps, '10000000')).toBe(10_000_000);
    expect(optionError(() => readOption('steps', steps, '-5'))).toBe('--steps must be an integer from 1 to 10,000,000, got "-5"');
    expect(optionError(() => readOption('steps', steps, '2.5'))).toMatch(/^--steps must be an integer/);
    expect(optionError(() => readOption('steps', steps, ''))).toMatch(/^--steps must be an integer/);
    expect(optionError(() => readOption('seed', { type: 'int', min: 0, help: '' }, 'ten'))).toBe('--seed must be an integer ≥ 0, got "ten"');
  });

  it('reads a number against min, above and below', () => {
    const dropout: OptionDecl = { type: 'number', min: 0, below: 1, help: '' };
    expect(readOption('dropout', dropout, '0')).toBe(0);
    expect(readOption('dropout', dropout, '0.5')).toBe(0.5);
    expect(optionError(() => readOption('dropout', dropout, '1'))).toBe('--dropout must be a number ≥ 0 and < 1, got "1"');
    expect(optionError(() => readOption('lr', { type: 'number', above: 0, help: '' }, '0'))).toBe('--lr must be a number > 0, got "0"');
    expect(optionError(() => readOption('lr', { type: 'number', help: '' }, 'NaN'))).toBe('--lr must be a number, got "NaN"');
    expect(optionError(() => readOption('lr', { type: 'number', help: '' }, ' '))).toMatch(/^--lr must be a number/);
  });

  it('reads a choice, and lists the choices otherwise', () => {
    const optimizer: OptionDecl = { type: 'choice', choices: ['sgd', 'adamw'], default: 'sgd', help: '' };
    expect(readOption('optimizer', optimizer, 'adamw')).toBe('adamw');
    expect(optionError(() => readOption('optimizer', optimizer, 'adam'))).toBe('--optimizer must be one of sgd, adamw, got "adam"');
  });

  it('reads a comma-separated list of ints, each within the bounds', () => {
    const channels: OptionDecl = { type: 'ints', min: 1, max: 1024, help: '' };
    expect(readOption('channels', channels, '8, 16,32')).toEqual([8, 16, 32]);
    expect(optionError(() => readOption('channels', channels, '8,0'))).toBe('--channels must be a comma-separated list of integers from 1 to 1,024, got "0"');
  });

  it('names where the value came from when told (an environment variable)', () => {
    const backend: OptionDecl = { type: 'choice', choices: ['auto', 'cpu'], help: '', env: 'MAKEMORE_BACKEND' };
    expect(optionError(() => readOption('backend', backend, 'tpu', '$MAKEMORE_BACKEND'))).toBe('$MAKEMORE_BACKEND must be one of auto, cpu, got "tpu"');
  });
});

describe('optionsHelp', () => {
  it('renders one aligned line an option: the argument, the help, the default', () => {
    const table: OptionTable = {
      steps: { type: 'int', min: 1, default: 3000, help: 'optimisation steps' },
      force: { type: 'boolean', help: 'replace the run' },
      data: { type: 'string', arg: 'FILE', help: 'training text' },
      channels: { type: 'ints', min: 1, max: 9, default: [64, 32], help: 'widths' },
      lr: { type: 'number', above: 0, help: 'learning rate' },
    };
    const pad = (head: string) => head.padEnd(HELP_COLUMN);
    expect(optionsHelp(table)).toBe(
      `${pad('  --steps N')}optimisation steps (default 3000)\n` +
        `${pad('  --force')}replace the run\n` +
        `${pad('  --data FILE')}training text\n` +
        `${pad('  --channels N[,N…]')}widths (default 64,32)\n` +
        `${pad('  --lr X')}learning rate\n`,
    );
  });

  it('puts the help of an option too long for the column on the next line, continues a multi-line help aligned, and ends it with the default', () => {
    const table: OptionTable = {
      backend: { type: 'choice', choices: ['auto', 'wasm', 'cpu', 'webasm', 'headlessgl'], default: 'auto', env: 'MAKEMORE_BACKEND', help: 'where it runs\nand why' },
    };
    const pad = ' '.repeat(HELP_COLUMN);
    expect(optionsHelp(table)).toBe(`  --backend auto|wasm|cpu|webasm|headlessgl\n${pad}where it runs\n${pad}and why (default $MAKEMORE_BACKEND or auto)\n`);
    expect(optionsHelp({ n: { type: 'int', min: 1, help: 'n' } }, 6)).toBe(`${'      --n N'.padEnd(HELP_COLUMN)}n\n`);
  });
});

describe('parseCommand', () => {
  const TABLE = {
    steps: { type: 'int', min: 1, max: 100, default: 30, help: '' },
    lr: { type: 'number', above: 0, help: '' },
    engine: { type: 'choice', choices: ['conv', 'tree'], default: 'conv', help: '' },
    resume: { type: 'boolean', help: '' },
    backend: { type: 'choice', choices: ['auto', 'cpu', 'wasm'], default: 'auto', env: 'MAKEMORE_TEST_BACKEND', help: '' },
  } as const satisfies OptionTable;

  function parse(...argv: string[]) {
    const parsed = parseCommand('test', argv, TABLE);
    if (parsed.help) throw new Error('unexpected --help');
    return parsed;
  }

  function usageError(f: () => unknown): string {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error('expected a UsageError');
  }

  it('gives typed values with the defaults filled in, and which options were given', () => {
    const { values, given } = parse('--lr', '0.5', '--resume');
    expect(values).toEqual({ steps: 30, lr: 0.5, engine: 'conv', resume: true, backend: 'auto' });
    expect([...given].sort()).toEqual(['lr', 'resume']);
    expect(parse('--steps=7', '--engine', 'tree').values).toMatchObject({ steps: 7, engine: 'tree', lr: undefined, resume: false });
  });

  it('reports a bound for a negative value, an unknown option with the way to the help, and reads no values for --help', () => {
    expect(usageError(() => parse('--steps', '-5'))).toBe('--steps must be an integer from 1 to 100, got "-5"');
    expect(usageError(() => parse('--lr', '-.1'))).toBe('--lr must be a number > 0, got "-.1"');
    expect(usageError(() => parse('--colour'))).toMatch(/^Unknown option '--colour'.* \(see makemore test --help\)$/);
    expect(parseCommand('test', ['--steps', 'nonsense', '--help'], TABLE)).toEqual({ help: true });
    expect(parseCommand('test', ['-h'], TABLE)).toEqual({ help: true });
  });

  it("reads an option's environment variable when the option is not given, checked and named, and not counted as given", () => {
    process.env.MAKEMORE_TEST_BACKEND = 'cpu';
    try {
      expect(parse().values.backend).toBe('cpu');
      expect(parse().given.has('backend')).toBe(false);
      expect(parse('--backend', 'wasm').values.backend).toBe('wasm');
      process.env.MAKEMORE_TEST_BACKEND = 'tpu';
      expect(usageError(() => parse())).toBe('$MAKEMORE_TEST_BACKEND must be one of auto, cpu, wasm, got "tpu"');
      process.env.MAKEMORE_TEST_BACKEND = '';
      expect(parse().values.backend).toBe('auto');
    } finally {
      delete process.env.MAKEMORE_TEST_BACKEND;
    }
  });
});

/** The lines of `help` that document `--name` (its line and the aligned lines continuing it), from the first match. */
function helpBlock(help: string, name: string): string | undefined {
  const lines = help.split('\n');
  const at = lines.findIndex((line) => new RegExp(`^ +--${name}( |$)`).test(line));
  if (at < 0) return undefined;
  const block = [lines[at]];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith(' '.repeat(HELP_COLUMN))) break;
    block.push(line);
  }
  return block.join('\n');
}

const COMMANDS: [string, OptionTable][] = [
  ['train', TRAIN_OPTIONS],
  ['eval', EVAL_OPTIONS],
  ['sample', SAMPLE_OPTIONS],
  ['info', INFO_OPTIONS],
  ['lr-find', LR_FIND_OPTIONS],
  ['embeddings', EMBEDDINGS_OPTIONS],
  ['sweep', SWEEP_OPTIONS],
  ['spec', SPEC_OPTIONS],
  ['export', EXPORT_OPTIONS],
];

describe('every command documents every option it declares', () => {
  it.each(COMMANDS)('makemore %s --help', (command, table) => {
    const r = spawnSync(process.execPath, [...CLI, command, '--help'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const help = r.stdout;
    expect(help).toMatch(new RegExp(`^makemore ${command} — `));
    for (const [name, decl] of Object.entries(table)) {
      const block = helpBlock(help, name);
      expect(block, `--${name} in makemore ${command} --help`).toBeDefined();
      if (decl.help) expect(block).toContain(decl.help.split('\n')[0]);
      expect(block).toContain(defaultText(decl).trim());
    }
    if (!Object.hasOwn(table, 'model')) return;
    // the model's options: each preset's, under its name, with their defaults
    for (const [preset, { options }] of Object.entries(PRESETS)) {
      const section = help.slice(help.indexOf(`    ${preset}: `));
      for (const [name, decl] of Object.entries(options)) expect(helpBlock(section, name), `--${name} of ${preset}`).toContain(`${decl.help}${defaultText(decl)}`);
    }
  });
});
