// What the runner reads about a server from /proc, and about the machine for the results file.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** utime + stime of the whole process (every thread: /proc/<pid>/stat of the thread-group leader sums them), in clock ticks. */
export function readCpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return utime + stime;
}

/**
 * CPU ticks (utime + stime) of every other process and kernel thread on the machine, by pid. Two of these
 * around a window tell whether something else competed with the server for the CPUs. Approximate by design:
 * a process that both starts and ends inside the window is missed, and the reaped-children counters
 * (cutime) cannot stand in for it, since they bring a child's whole lifetime, not its share of the window.
 */
export function otherProcessTicks(excludedPids) {
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || excludedPids.has(Number(entry))) continue;
    try {
      ticks.set(entry, readCpuTicks(entry));
    } catch {
      // it exited while we were looking
    }
  }
  return ticks;
}

/** Ticks the other processes used between two otherProcessTicks() snapshots (a process born in between counts whole). */
export function otherTicksBetween(before, after) {
  let total = 0;
  for (const [pid, ticks] of after) total += Math.max(0, ticks - (before.get(pid) ?? 0));
  return total;
}

/** How much of a CPU the other processes used over the next sampleMs (percent). */
export async function otherCpuPercent(sampleMs, excludedPids, clockTicks) {
  const before = otherProcessTicks(excludedPids);
  await sleep(sampleMs);
  const ticks = otherTicksBetween(before, otherProcessTicks(excludedPids));
  return (ticks / clockTicks / (sampleMs / 1000)) * 100;
}

/** Resident set size in KiB (VmRSS). */
export function readRssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** The unit of utime/stime (USER_HZ), 100 on nearly every Linux. */
export function clockTicksPerSecond() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match ? match[1].trim() : os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

function gitDescription(repoRoot) {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit: git('rev-parse', '--short', 'HEAD').trim(), dirty: git('status', '--porcelain').trim() !== '' };
  } catch {
    return null;
  }
}

export function machineInfo(repoRoot) {
  return {
    kernel: os.release(),
    cpu: cpuModel(),
    nproc: os.availableParallelism(),
    node: process.version,
    date: new Date().toISOString(),
    git: gitDescription(repoRoot),
  };
}
