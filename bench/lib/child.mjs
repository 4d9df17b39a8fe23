// Child processes of the runner: started with a raised fd limit and (optionally) pinned to a CPU, their
// stdout read line by line, always stopped by pid (SIGTERM, then SIGKILL after a grace period).
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

// 10k sessions need 10k descriptors on each side. Ask for plenty and settle for the hard limit (raising
// that needs CAP_SYS_RESOURCE, which even root in a container may lack). `exec` keeps the pid: the pid we
// spawn is the server's own, so /proc/<pid> and kill(pid) reach the server, not a wrapper.
const LAUNCHER = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"';
const STDERR_HEAD_LINES = 8; // an error message usually comes first, a stack trace after it
const STDERR_TAIL_LINES = 12;
const ERROR_LINE = /error|fatal|abort|cannot|failed/i;

const live = new Set();
let stopping = false; // once the runner is stopping, nothing new may start

/** taskset is util-linux; without it (or with a single CPU) everything runs unpinned. */
export function canPinCpus(cpuCount) {
  if (cpuCount < 2) return false;
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

export class Child {
  /**
   * @param {string} label what the error messages call it ("server", "load generator")
   * @param {string} file executable
   * @param {string[]} args
   * @param {{ cpu?: number | null, env?: NodeJS.ProcessEnv, cwd?: string }} options
   */
  constructor(label, file, args, { cpu = null, env = process.env, cwd } = {}) {
    if (stopping) throw new Error(`not starting the ${label}: the runner is stopping`);
    this.label = label;
    const pin = cpu === null ? [] : ['taskset', '-c', String(cpu)];
    this.process = spawn('bash', ['-c', LAUNCHER, 'bench-launch', ...pin, file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      cwd,
    });
    this.pid = this.process.pid;
    this.lines = [];
    this.consumed = 0; // lines before this index were matched (or skipped) by waitForLine
    this.stderrHead = [];
    this.stderrTail = [];
    this.exitInfo = null;
    this.wake = () => {};
    live.add(this);

    createInterface({ input: this.process.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.wake();
    });
    createInterface({ input: this.process.stderr }).on('line', (line) => {
      if (!line.trim()) return;
      if (this.stderrHead.length < STDERR_HEAD_LINES) this.stderrHead.push(line.trim());
      else this.stderrTail.push(line.trim());
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    });
    this.exited = new Promise((resolve) => {
      const finish = (info) => {
        if (this.exitInfo) return;
        this.exitInfo = info;
        live.delete(this);
        resolve(info);
        this.wake();
      };
      // 'close', not 'exit': it comes after stdout is drained, so a last line is never lost behind the exit.
      this.process.on('close', (code, signal) => finish({ code, signal }));
      this.process.on('error', (error) => finish({ code: null, signal: null, error }));
    });
  }

  get running() {
    return this.exitInfo === null;
  }

  /**
   * The stderr line that best says what went wrong: the first that looks like an error, else (for an exit
   * code; a signal speaks for itself, and what it leaves is a stack trace) the last line.
   */
  stderrSummary() {
    const lines = [...this.stderrHead, ...this.stderrTail];
    const fallback = this.exitInfo?.signal ? '' : lines.at(-1) ?? '';
    const line = lines.find((candidate) => ERROR_LINE.test(candidate)) ?? fallback;
    return line.length > 200 ? `${line.slice(0, 200)}...` : line;
  }

  /** "server node:net exited with code 1: Error: ..." */
  describeExit() {
    const { code, signal, error } = this.exitInfo ?? {};
    const how = error ? `failed to start (${error.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const stderr = this.stderrSummary();
    return `${this.label} ${how}${stderr ? `: ${stderr}` : ''}`;
  }

  /**
   * The next stdout line (after the ones already consumed) matching pattern, as its RegExp match.
   * Rejects if the process exits first or if timeoutMs passes: nothing waits forever.
   */
  async waitForLine(pattern, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.consumed < this.lines.length) {
        const match = pattern.exec(this.lines[this.consumed++]);
        if (match) return match;
      }
      if (!this.running) throw new Error(`${this.describeExit()} (while waiting for ${what})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: no ${what} after ${(timeoutMs / 1000).toFixed(0)} s`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  signal(name) {
    if (!this.running) return;
    try {
      process.kill(this.pid, name);
    } catch {
      // it exited between the check and the kill
    }
  }

  /** SIGTERM, SIGKILL if it is still there after graceMs; resolves once it is gone (or stopped responding). */
  async stop(graceMs = 5000) {
    if (!this.running) return this.exitInfo;
    this.signal('SIGTERM');
    if (await exitedWithin(this, graceMs)) return this.exitInfo;
    this.signal('SIGKILL');
    await exitedWithin(this, 2000);
    return this.exitInfo;
  }
}

/** Whether child exits within ms (the timer is cancelled as soon as it does: nothing keeps the runner alive). */
export async function exitedWithin(child, ms) {
  const ac = new AbortController();
  const gone = await Promise.race([
    child.exited.then(() => true),
    sleep(ms, false, { signal: ac.signal }).catch(() => false),
  ]);
  ac.abort();
  return gone;
}

/** On the runner's own Ctrl-C: every child still running is stopped by pid before the runner exits. */
export async function stopAllChildren() {
  stopping = true;
  await Promise.all([...live].map((child) => child.stop(1000)));
}

/**
 * Runs a command to completion with a timeout (cmake, make, pnpm build, the engine probe). `output` is stdout
 * and stderr together (what a failure says); `stdout` alone is what a probe answers.
 */
export function runToCompletion(file, args, { cwd, timeoutMs, inherit = false, env = process.env }) {
  const result = spawnSync(file, args, {
    cwd,
    env,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    stdio: inherit ? 'inherit' : 'pipe',
    encoding: 'utf8',
  });
  if (result.error) return { ok: false, output: result.error.message, stdout: '' };
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, stdout: result.stdout ?? '' };
}
