// Child processes for fault tests: started with a JSON argument, read as JSON lines, waited for
// with a bound on time, and killed or stopped like a real operator (or a real crash) would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FaultProcessOptions } from './fault-process.ts';

export interface Event {
  readonly event: string;
  readonly [key: string]: unknown;
}

export class Child {
  readonly events: Event[] = [];
  stderr = '';
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<() => void>();
  readonly process: ChildProcess;

  constructor(process: ChildProcess) {
    this.process = process;
    let buffer = '';
    process.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          this.events.push(JSON.parse(line) as Event);
        } catch {
          // not an event line
        }
        for (const wake of this.waiters) wake();
      }
    });
    process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      process.once('exit', (code, signal) => {
        for (const wake of this.waiters) wake();
        resolve({ code, signal });
      }),
    );
  }

  /** The first event matching `match`, waiting at most `timeoutMs` for it. */
  waitFor(match: (event: Event) => boolean, timeoutMs = 20_000): Promise<Event> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(match);
        if (found !== undefined) return done(() => resolve(found));
        if (this.process.exitCode !== null || this.process.signalCode !== null)
          return done(() => reject(new Error(`the process ended first; stderr: ${this.stderr}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out; events: ${JSON.stringify(this.events)}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.process.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await this.exited;
  }
}

const SCRIPT = fileURLToPath(new URL('./fault-process.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/rota.js', import.meta.url));

export function startFaultProcess(options: FaultProcessOptions): Child {
  return new Child(
    spawn(process.execPath, [SCRIPT, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** `rota …` as a real process, with only the given ROTA_* variables. */
export function startRota(args: readonly string[], env: Record<string, string>): Child {
  return new Child(
    spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    }),
  );
}

/** Ends every child a test started, whatever state it was left in. */
export async function reap(children: readonly Child[]): Promise<void> {
  for (const child of children) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) continue;
    child.process.kill('SIGCONT');
    child.process.kill('SIGKILL');
    await child.exited;
  }
}
