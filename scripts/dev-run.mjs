#!/usr/bin/env node
// Runs a program for a package's `dev` script, so that Ctrl-C on `pnpm dev` stops it with exit code 0 and no
// "ELIFECYCLE Command failed" line:
//
//   "dev": "exec node ../../scripts/dev-run.mjs dist/main.js --connect-timeout 60"
//
// Where the line came from: pnpm runs a script as `sh -c '<script>'`, and Debian's sh (dash), when it gets
// SIGINT while it waits for a command, kills itself with SIGINT once the command has exited, even when the
// command exited 0. pnpm then sees its child killed by a signal and reports ELIFECYCLE. Ctrl-C reaches that sh
// because it is in the same process group as the program (the terminal, and turbo stopping a task, signal the
// whole group). `exec` takes the sh out of the chain: this launcher becomes pnpm's child.
//
// Why a launcher and not `exec node dist/main.js`: pnpm also passes the SIGINT it got on to its child. The
// program, being in the same process group, has already had it; the copy is a second signal, which the
// programs read as "stop at once" (exit 130). So the program runs here as a child in the same process group,
// and this process decides which signals it must pass on: one the group delivered arrives here twice (from
// the group, and again from pnpm) and the program has had it; one only pnpm got (say `kill` on pnpm's pid)
// arrives here once, and the program gets it from here.
//
// The root's `"dev": "exec turbo dev"` takes the same sh out from between pnpm and turbo. `exec` is POSIX sh:
// `pnpm dev` is the Debian / Linux workflow (the README's "Two commands"); pnpm on Windows runs scripts with cmd.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** pnpm's copy follows the group's within a few milliseconds. */
const SECOND_COPY_MS = 100;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const [script, ...args] = process.argv.slice(2);
if (script === undefined) {
  console.error('usage: node scripts/dev-run.mjs <script.js> [args...]');
  process.exit(2);
}

const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });

/** A signal seen once so far, waiting to learn whether the group delivered it to the program too. */
const waiting = new Map();
const onSignal = (signal) => {
  const timer = waiting.get(signal);
  if (timer !== undefined) {
    // The second copy: the group delivered this signal, so the program has it already.
    clearTimeout(timer);
    waiting.delete(signal);
    return;
  }
  waiting.set(
    signal,
    setTimeout(() => {
      waiting.delete(signal);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }, SECOND_COPY_MS),
  );
};
for (const signal of SIGNALS) process.on(signal, onSignal);

child.once('error', (error) => {
  console.error(`dev-run: cannot start ${script}: ${error.message}`);
  process.exit(1);
});
child.once('exit', (code, signal) => {
  for (const timer of waiting.values()) clearTimeout(timer);
  for (const s of SIGNALS) process.off(s, onSignal);
  // The program's own exit code; killed by a signal, the shell's convention (128 + its number).
  process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
});
