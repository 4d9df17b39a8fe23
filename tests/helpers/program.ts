import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const DEFAULT_WAIT_MS = 15_000;

/** Every program a test started and has not seen exit; `cleanUp` (afterEach) ends them, by pid. */
const running = new Set<Program>();
/** Every program the current test started, so a failed test can show what each one printed. */
const startedThisTest: Program[] = [];

/**
 * A program a test started: its stdout and stderr as lines, a way to wait for a line, and its exit.
 * Tests synchronise on what the programs print, never on sleeps.
 */
export class Program {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private hasExited = false;

  constructor(
    readonly name: string,
    script: string,
    private readonly args: string[],
  ) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    startedThisTest.push(this);
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        for (const wake of this.waiters) wake();
      });
    }
    // 'close' (not 'exit'): every line of output has been read by then.
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.hasExited = true;
        running.delete(this);
        for (const wake of this.waiters) wake();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Resolves with the first line matching `pattern` (at or after line `from`), or fails the test with what
   * was printed so far after `timeoutMs` or when the program exits without printing it.
   */
  waitForLine(pattern: RegExp, options: { from?: number; timeoutMs?: number } = {}): Promise<RegExpMatchArray> {
    const { from = 0, timeoutMs = DEFAULT_WAIT_MS } = options;
    return new Promise((resolve, reject) => {
      let checked = from;
      const check = (): void => {
        for (; checked < this.lines.length; checked++) {
          const match = this.lines[checked]!.match(pattern);
          if (match) return finish(() => resolve(match));
        }
        if (this.hasExited) finish(() => reject(this.failure(`exited before printing ${pattern}`)));
      };
      const timeout = (): void => finish(() => reject(this.failure(`did not print ${pattern} within ${timeoutMs} ms`)));
      const timer = setTimeout(timeout, timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves once `count` lines have matched `pattern`. */
  async waitForLines(pattern: RegExp, count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const matching = (): number => this.count(pattern);
    let from = 0;
    while (matching() < count) {
      await this.waitForLine(pattern, { from, timeoutMs });
      from = this.lines.length;
    }
  }

  /** Resolves with the exit code, or fails the test if the program is still running after `timeoutMs`. */
  async exitCode(timeoutMs = DEFAULT_WAIT_MS): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return (await Promise.race([this.exited, timeout])).code;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the exit and fails the test, showing the program's last lines, unless it exited with `code`. */
  async expectExit(code: number, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const actual = await this.exitCode(timeoutMs);
    if (actual !== code) throw this.failure(`exited with ${actual}, expected ${code}`);
  }

  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.hasExited) return;
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      // Reaped already, its 'exit' event still to come: it is gone, as asked.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  describe(what: string): string {
    const tail = this.lines.slice(-25).join('\n');
    return `${this.name} ${this.args.join(' ')} (pid ${this.pid}) ${what}; its last lines:\n${tail}`;
  }

  private failure(what: string): Error {
    return new Error(this.describe(what));
  }
}

/**
 * For afterEach: kills (SIGKILL, by pid) every program still running and waits for each to be gone; after a
 * failed test, first prints the last lines of every program it started.
 */
export async function cleanUp(context: { task: { result?: { state?: string } } }): Promise<void> {
  const started = startedThisTest.splice(0);
  if (context.task.result?.state === 'fail') {
    for (const program of started) console.error(program.describe('printed'));
  }
  const left = [...running];
  for (const program of left) program.kill('SIGKILL');
  await Promise.all(left.map((program) => program.exited));
}
