// Ctrl-C (SIGINT) and SIGTERM while a run trains: the first asks the loop to stop at the next step
// and save; a second quits at once. The exit status then says which signal stopped the run,
// 128 + its number (130, 143), as a shell reports a process the signal killed.

import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type StopSignal = (typeof SIGNALS)[number];

export class StopSignals {
  private caught: StopSignal | null = null;
  private readonly handler = (signal: StopSignal) => {
    if (this.caught) return this.quitNow(exitStatus(signal));
    this.caught = signal;
    this.onFirst(signal);
  };

  /** `quitNow(status)` must end the process (after releasing what it holds). */
  constructor(
    private readonly onFirst: (signal: StopSignal) => void,
    private readonly quitNow: (status: number) => never,
  ) {
    for (const s of SIGNALS) process.on(s, this.handler);
  }

  get stopped(): boolean {
    return this.caught !== null;
  }

  /** 130 or 143 once a signal has stopped the run, else 0. */
  get exitStatus(): number {
    return this.caught ? exitStatus(this.caught) : 0;
  }

  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.handler);
  }
}

function exitStatus(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}
