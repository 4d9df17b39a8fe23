import { INFINITE, SleepExAsync } from '@overlapped/winsock-native';

/**
 * The thread's alertable wait. Completion routines are queued per thread and one alertable wait runs all of
 * them, whoever issued them, so a thread needs exactly one waiter: with one per strategy, a waiter whose
 * routines another waiter already ran could sleep forever and keep the process alive. The loop runs while
 * any routine is still owed and ends when none is.
 */
let owedRoutines = 0;
let sleeping = false;

/** A completion routine was queued by a successful overlapped call; keep waiting until it has run. */
export function expectRoutine(): void {
  owedRoutines++;
  if (!sleeping) void sleepWhileRoutinesOwed();
}

/** Called first thing by every completion routine. */
export function routineRan(): void {
  owedRoutines--;
}

async function sleepWhileRoutinesOwed(): Promise<void> {
  sleeping = true;
  try {
    while (owedRoutines > 0) await SleepExAsync(INFINITE, true);
  } finally {
    sleeping = false;
  }
}
