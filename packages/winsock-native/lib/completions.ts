// The JS half of completion delivery. While an overlapped operation may still complete, what it needs lives
// here in a slot (the overlapped, its completion routine, its buffers), not in a native reference; an async
// wait is a settle function under its waiter id. The addon hands over each batch as numbers in a Uint32Array
// and calls deliver() once per batch (src/core/delivery.cc has the layout).
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, WSAOVERLAPPED } from './binding.js';

/** Settles an async wait: an error thrown by a completion routine, or the wait result. */
export type SettleWait = (error: unknown, result?: number) => void;

const overlappedOf: Array<WSAOVERLAPPED | undefined> = [];
const routineOf: Array<LPWSAOVERLAPPED_COMPLETION_ROUTINE | null | undefined> = [];
const buffersOf: unknown[] = [];
const freeSlots: number[] = [];
const waits = new Map<number, SettleWait>();

/** Holds what an operation needs until its completion is delivered; returns the slot (a small integer). */
export function holdSlot(
  overlapped: WSAOVERLAPPED, routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null | undefined, buffers: unknown,
): number {
  const slot = freeSlots.length > 0 ? freeSlots.pop()! : overlappedOf.length;
  overlappedOf[slot] = overlapped;
  routineOf[slot] = routine;
  buffersOf[slot] = buffers;
  return slot;
}

export function releaseSlot(slot: number): void {
  overlappedOf[slot] = undefined;
  routineOf[slot] = undefined;
  buffersOf[slot] = undefined;
  freeSlots.push(slot);
}

/** The overlapped held in `slot`, which is released: a port packet of this thread was dequeued here. */
export function takeSlot(slot: number): WSAOVERLAPPED {
  const overlapped = overlappedOf[slot]!;
  releaseSlot(slot);
  return overlapped;
}

/** Slots held right now (for leak checks). */
export function heldSlotCount(): number {
  return overlappedOf.length - freeSlots.length;
}

export function registerWait(waiterId: number, settle: SettleWait): void {
  waits.set(waiterId, settle);
}

export function forgetWait(waiterId: number): void {
  waits.delete(waiterId);
}

// A settle function that throws must not keep the rest of its batch unsettled: each runs, and what one throws
// is reported as uncaught afterwards, as Node does with an exception from any callback.
function reportUncaught(error: unknown): void {
  process.nextTick(() => {
    throw error;
  });
}

const HEADER = 4;

/**
 * One batch. Routines run in order; one that throws stops the run (the addon puts the rest back at the front
 * of the thread's queue) and: `blocking` (SleepEx / WSAWaitForMultipleEvents ran them) rethrows it, else it
 * rejects the wait that ran them. area[0] receives how many routines ran.
 */
export function deliver(area: Uint32Array, blocking: boolean): void {
  const finished = area[1]!;
  const routines = area[2]!;
  const settled = area[3]!;
  let at = HEADER;
  for (let i = 0; i < finished; i++) releaseSlot(area[at++]!);
  let ran = 0;
  let threw = false;
  let routineError: unknown;
  while (ran < routines) {
    const slot = area[at]!;
    const error = area[at + 1]!;
    const bytes = area[at + 2]!;
    const flags = area[at + 3]!;
    at += 4;
    const overlapped = overlappedOf[slot]!;
    const routine = routineOf[slot]!;
    releaseSlot(slot);
    ran++;
    area[0] = ran;
    try {
      routine(error, bytes, overlapped, flags);
    } catch (thrown) {
      threw = true;
      routineError = thrown;
      break;
    }
  }
  area[0] = ran;
  if (threw && blocking) throw routineError;
  at = HEADER + finished + 4 * routines;
  for (let i = 0; i < settled; i++, at += 3) {
    const waiterId = area[at]!;
    const settle = waits.get(waiterId);
    if (settle === undefined) continue;
    waits.delete(waiterId);
    try {
      if (threw && area[at + 2] === 1) settle(routineError);
      else settle(null, area[at + 1]!);
    } catch (thrown) {
      reportUncaught(thrown);
    }
  }
}
