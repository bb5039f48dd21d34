// The one note a command prints when a checkpoint it loaded records no tensor checksums (a PyTorch
// export, a file of an older makemore): it loaded, but its data could not be verified.

/** Writes the note on stderr, once per file per process. */
export function noteUnverified(file: string): void {
  if (noted.has(file)) return;
  noted.add(file);
  process.stderr.write(`makemore: note: ${file} records no tensor checksums (written by another tool or an older makemore): its data was loaded unverified\n`);
}

const noted = new Set<string>();
