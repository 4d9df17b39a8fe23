import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Real signals need a process of their own: the child runs the built package (turbo builds it before testing).
const BUILT = new URL('../dist/index.js', import.meta.url);

/** A child that calls onStopSignal(), prints "aborted <reason>" when it aborts, and otherwise idles forever. */
const CHILD = `
  import { onStopSignal, untilStopSignal } from ${JSON.stringify(BUILT.href)};
  const stop = onStopSignal();
  untilStopSignal(stop).then((signal) => console.log('aborted ' + signal + ' ' + stop.aborted));
  setInterval(() => {}, 60_000);
  console.log('ready');
`;

interface Child {
  /** Resolves once the child has printed `line`. */
  printed(line: string): Promise<void>;
  signal(name: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(): Child {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text;
    for (const wake of waiters.splice(0)) wake();
  });
  const printed = (line: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => (output.split('\n').includes(line) ? resolve() : void waiters.push(check));
      check();
    });
  return {
    printed,
    signal: (name) => child.kill(name),
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
}

describe('onStopSignal', () => {
  beforeAll(() => {
    if (!existsSync(fileURLToPath(BUILT))) throw new Error('packages/cli is not built: run `pnpm turbo build --filter=@overlapped/cli`');
  });

  it.each([
    ['SIGINT', 'SIGINT', 130],
    ['SIGTERM', 'SIGTERM', 143],
    ['SIGTERM', 'SIGINT', 130],
  ] as const)('aborts with the first %s as its reason; a second signal (%s) exits %i at once', async (first, second, code) => {
    const child = startChild();
    await child.printed('ready');
    child.signal(first);
    await child.printed(`aborted ${first} true`);
    child.signal(second);
    expect(await child.exited).toEqual({ code, signal: null });
  });
});
