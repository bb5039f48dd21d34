// Errors that name the file (and line, or tensor) at fault, so a user can fix their input.

/** Bad input from the user (a file, a checkpoint, a character): the message names the file, line and problem. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'InputError';
  }
}
