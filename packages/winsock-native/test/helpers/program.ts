// A fixture run as a Node program of its own (`node <file> ...args`), for races whose failure is a crash or an
// AddressSanitizer abort: it ends that process, not the test runner, and the test reports its stderr. The child
// inherits the environment, so under OVERLAPPED_NATIVE_BUILD=asan (+ LD_PRELOAD) it loads the ASan build too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface ProgramResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node file ...args`, killed with SIGKILL if it outlives `limitMs`. */
export async function runProgram(file: URL, args: (string | number)[], limitMs: number): Promise<ProgramResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [fileURLToPath(file), ...args.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr, ms: Date.now() - started };
}

/** The first lines of a child's stderr (an ASan report is long; its head names the access and the frames). */
export function headOf(text: string, lines = 40): string {
  return text.split('\n').slice(0, lines).join('\n');
}
