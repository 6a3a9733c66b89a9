// Signals during a write: the transaction notices them between steps, rolls back and reports, instead of the
// process dying with half a project on disk. Outside a write, the front-end decides (see src/cli/main.ts).
import { InterruptedError } from './write-error.js';

export const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let active = 0;
let committed = false;

/** Whether a write is under way in this process (its signal handlers are in charge). */
export function writeInProgress(): boolean {
  return active > 0;
}

/** Whether this process has finished a write: a signal now cannot undo it. */
export function writeCommitted(): boolean {
  return committed;
}

export interface InterruptGuard {
  /** Lets pending signals arrive, then throws if one did. */
  check(step: number): Promise<void>;
  commit(): void;
  release(): void;
}

// Maintainers' and tests' hook: stop before step N of a write and wait for a signal, so interrupting a real
// process at every point of a write is deterministic. Unset in normal use.
const PAUSE_AT = Number(process.env.PYDOCKER_WRITE_PAUSE_AT ?? 0);

export function interruptGuard(): InterruptGuard {
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  active++;
  return {
    async check(step) {
      if (step === PAUSE_AT) {
        process.stderr.write(`pydocker: paused at write step ${step}\n`);
        for (let i = 0; i < 200 && !received; i++) await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setImmediate(r));
      if (received) throw new InterruptedError(received);
    },
    commit() {
      committed = true;
    },
    release() {
      for (const s of SIGNALS) process.off(s, onSignal);
      active--;
    },
  };
}
