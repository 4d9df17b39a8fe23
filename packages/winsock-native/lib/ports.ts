// I/O completion ports: GetQueuedCompletionStatus(Ex), their Async forms and PostQueuedCompletionStatus, over
// the addon's dequeue (src/api/ports.cc). A dequeue writes its packets into `area` as numbers; here they become
// the boxes and OVERLAPPED_ENTRYs of the Windows signatures.
//
// Threads: a port is process-wide and any JS thread may wait on it. A packet's lpOverlapped, dequeued on the
// thread that started the operation (or posted the packet), is the very object passed in. Dequeued on another
// thread, it is that thread's view of the same overlapped: a WSAOVERLAPPED over the same state memory (Internal
// and InternalHigh read the same), the same object every time on that thread, which may start the next operation
// (WSARecv again). JS objects never cross threads; what the packet refers to is native memory.
import { native, type WSAOVERLAPPED } from './binding.js';
import { forgetWait, holdSlot, registerWait, releaseSlot, takeSlot } from './completions.js';
import { INFINITE, WAIT_TIMEOUT } from './constants.js';
import { stateOf } from './overlapped-state.js';
import type { DWORD, HANDLE, LPOVERLAPPED, OVERLAPPED_ENTRY, ULONG, ULONG_PTR } from './structs.js';
import { WSAGetLastError } from './thread-words.js';

const ENTRY_WORDS = 10;
const OWN = 1;
const VIEW = 2;
const BIGINT_KEY = 4;
const MAX_TIMER_MS = 0x7fffffff;
// Read once (see overlapped-io.ts): dequeues run per batch.
const { overlappedStateKey: stateKey, dequeue, dequeueAsync, takeDequeued } = native;

let area = new Uint32Array(ENTRY_WORDS * 16);
function areaFor(max: number): Uint32Array {
  if (area.length < max * ENTRY_WORDS) area = new Uint32Array(max * ENTRY_WORDS);
  return area;
}

/** This thread's views of other threads' overlappeds, by state address (weakly: a view no one holds goes). */
const views = new Map<number, WeakRef<WSAOVERLAPPED>>();
const viewCollected = new FinalizationRegistry<number>((address) => {
  if (views.get(address)?.deref() === undefined) views.delete(address);
});

function keyOf(at: number, flags: number): number | bigint {
  const low = area[at + 3]!;
  const high = area[at + 4]!;
  if (flags & BIGINT_KEY) return (BigInt(high) << 32n) | BigInt(low);
  return high * 0x100000000 + low;
}

function overlappedOf(at: number, flags: number): WSAOVERLAPPED | null {
  if (flags & OWN) return takeSlot(area[at + 6]!);
  if (!(flags & VIEW)) return null;
  const address = area[at + 8]! * 0x100000000 + area[at + 7]!;
  let view = views.get(address)?.deref();
  if (view === undefined) {
    view = native.overlappedView(area[at + 6]!);
    views.set(address, new WeakRef(view));
    viewCollected.register(view, address);
  }
  return view;
}

/**
 * Writes what a dequeue left in `area` into the caller's out-parameters and returns the BOOL. `count` entries,
 * or none (count < 0) with the Win32 `error`. Runs right after the native call, before `area` is reused: each
 * own slot is taken here, exactly once.
 */
type Fill = (count: number, error: number) => boolean;

function requireBox(fn: string, arg: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || !('value' in value)) {
    throw new TypeError(`${fn}: argument ${arg} must be a box object with a .value (e.g. new ${arg.startsWith('lpOverlapped') ? 'LPOVERLAPPED' : arg === 'lpCompletionKey' ? 'ULONG_PTR' : 'DWORD'}())`);
  }
}

function requireNumber(fn: string, arg: string, value: unknown): void {
  if (typeof value !== 'number') throw new TypeError(`${fn}: argument ${arg} must be a number`);
}

/**
 * Frozen entry arrays already checked: a frozen array's elements cannot be replaced, so one check holds for
 * every later call (the entries themselves stay writable; freezing is shallow). A server that dequeues a
 * couple of packets per wake-up then does not walk its 128 entries each time.
 */
const checkedFrozenEntries = new WeakSet<object>();

/** Whether entries[0..upTo) are all objects (a loop, not every(): every() skips the holes of a sparse array). */
function entriesUpTo(entries: unknown[], upTo: number): boolean {
  for (let i = 0; i < upTo; i++) {
    const entry = entries[i];
    if (typeof entry !== 'object' || entry === null) return false;
  }
  return true;
}

function requireEntries(fn: string, entries: unknown, count: number): void {
  if (checkedFrozenEntries.has(entries as object) && (entries as unknown[]).length >= count) return;
  if (!Array.isArray(entries) || entries.length < count || !entriesUpTo(entries, count)) {
    throw new TypeError(`${fn}: argument lpCompletionPortEntries must be an array of at least ulCount OVERLAPPED_ENTRY objects`);
  }
  // Remembered only once every element is an entry, so that a later call with a larger count is covered too.
  if (Object.isFrozen(entries) && entriesUpTo(entries, entries.length)) checkedFrozenEntries.add(entries);
}

function dequeueNow(port: HANDLE, max: number, ms: number, alertable: boolean, fill: Fill): boolean {
  const count = dequeue(port, max, ms, alertable, areaFor(max));
  return fill(count, count < 0 ? WSAGetLastError() : 0);
}

function dequeueLater(port: HANDLE, max: number, ms: number, alertable: boolean, fill: Fill): Promise<boolean> {
  if (ms === 0) return Promise.resolve(dequeueNow(port, max, 0, alertable, fill)); // a poll never blocks
  const registered = dequeueAsync(port, max, alertable, areaFor(max));
  if (registered >= 0) return Promise.resolve(fill(registered, 0));
  if (registered === -1) return Promise.resolve(fill(-1, WSAGetLastError()));
  const waiterId = -registered - 1;
  return new Promise<boolean>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    registerWait(waiterId, (error, result) => {
      if (timer !== undefined) clearTimeout(timer);
      if (error !== null && error !== undefined) reject(error);
      else if (result !== 0) resolve(fill(-1, result ?? WAIT_TIMEOUT));
      else resolve(fill(takeDequeued(waiterId, areaFor(max)), 0));
    });
    if (ms !== INFINITE) {
      timer = setTimeout(() => {
        if (!native.cancelWait(waiterId)) return; // packets are on their way
        forgetWait(waiterId);
        resolve(fill(-1, WAIT_TIMEOUT));
      }, Math.min(ms, MAX_TIMER_MS));
    }
  });
}

function statusFill(bytes: DWORD, key: ULONG_PTR, overlapped: LPOVERLAPPED): Fill {
  return (count, error) => {
    if (count <= 0) {
      // Timeout, closed port: the overlapped is set to NULL, the byte count and the key stay as they were.
      overlapped.value = null;
      native.WSASetLastError(error);
      return false;
    }
    const flags = area[5]!;
    bytes.value = area[2]!;
    key.value = keyOf(0, flags);
    overlapped.value = overlappedOf(0, flags);
    if (area[0] === 0) return true;
    native.WSASetLastError(area[0]!);
    return false;
  };
}

function entriesFill(entries: readonly OVERLAPPED_ENTRY[], removed: ULONG): Fill {
  return (count, error) => {
    if (count <= 0) {
      removed.value = 0;
      native.WSASetLastError(error);
      return false;
    }
    removed.value = count;
    for (let i = 0, at = 0; i < count; i++, at += ENTRY_WORDS) {
      const entry = entries[i]!;
      const flags = area[at + 5]!;
      entry.lpCompletionKey = keyOf(at, flags);
      entry.lpOverlapped = overlappedOf(at, flags);
      entry.Internal = area[at + 1]!;
      entry.dwNumberOfBytesTransferred = area[at + 2]!;
    }
    return true;
  };
}

function checkStatusArgs(fn: string, port: unknown, bytes: unknown, key: unknown, overlapped: unknown, ms: unknown): void {
  requireNumber(fn, 'CompletionPort', port);
  requireBox(fn, 'lpNumberOfBytes', bytes);
  requireBox(fn, 'lpCompletionKey', key);
  requireBox(fn, 'lpOverlapped', overlapped);
  requireNumber(fn, 'dwMilliseconds', ms);
}

/** Blocks the calling thread until a packet arrives, the timeout passes or the port is closed. */
export function GetQueuedCompletionStatus(
  CompletionPort: HANDLE, lpNumberOfBytes: DWORD, lpCompletionKey: ULONG_PTR, lpOverlapped: LPOVERLAPPED, dwMilliseconds: number,
): boolean {
  checkStatusArgs('GetQueuedCompletionStatus', CompletionPort, lpNumberOfBytes, lpCompletionKey, lpOverlapped, dwMilliseconds);
  return dequeueNow(CompletionPort, 1, dwMilliseconds, false, statusFill(lpNumberOfBytes, lpCompletionKey, lpOverlapped));
}

/** GetQueuedCompletionStatus as a Promise of its BOOL: never blocks the event loop; the boxes are filled first. */
export function GetQueuedCompletionStatusAsync(
  CompletionPort: HANDLE, lpNumberOfBytes: DWORD, lpCompletionKey: ULONG_PTR, lpOverlapped: LPOVERLAPPED, dwMilliseconds: number,
): Promise<boolean> {
  checkStatusArgs('GetQueuedCompletionStatusAsync', CompletionPort, lpNumberOfBytes, lpCompletionKey, lpOverlapped, dwMilliseconds);
  return dequeueLater(CompletionPort, 1, dwMilliseconds, false, statusFill(lpNumberOfBytes, lpCompletionKey, lpOverlapped));
}

function checkExArgs(fn: string, port: unknown, entries: unknown, count: unknown, removed: unknown, ms: unknown): void {
  requireNumber(fn, 'CompletionPort', port);
  requireNumber(fn, 'ulCount', count);
  requireEntries(fn, entries, count as number);
  requireBox(fn, 'ulNumEntriesRemoved', removed);
  requireNumber(fn, 'dwMilliseconds', ms);
}

/** Removes up to ulCount packets in one call: the batch path of a fast server. */
export function GetQueuedCompletionStatusEx(
  CompletionPort: HANDLE, lpCompletionPortEntries: readonly OVERLAPPED_ENTRY[], ulCount: number, ulNumEntriesRemoved: ULONG,
  dwMilliseconds: number, fAlertable: boolean,
): boolean {
  checkExArgs('GetQueuedCompletionStatusEx', CompletionPort, lpCompletionPortEntries, ulCount, ulNumEntriesRemoved, dwMilliseconds);
  if (ulCount === 0) return invalidCount(ulNumEntriesRemoved);
  return dequeueNow(CompletionPort, ulCount, dwMilliseconds, Boolean(fAlertable), entriesFill(lpCompletionPortEntries, ulNumEntriesRemoved));
}

/** GetQueuedCompletionStatusEx as a Promise of its BOOL; never blocks the event loop. */
export function GetQueuedCompletionStatusExAsync(
  CompletionPort: HANDLE, lpCompletionPortEntries: readonly OVERLAPPED_ENTRY[], ulCount: number, ulNumEntriesRemoved: ULONG,
  dwMilliseconds: number, fAlertable: boolean,
): Promise<boolean> {
  checkExArgs('GetQueuedCompletionStatusExAsync', CompletionPort, lpCompletionPortEntries, ulCount, ulNumEntriesRemoved, dwMilliseconds);
  if (ulCount === 0) return Promise.resolve(invalidCount(ulNumEntriesRemoved));
  return dequeueLater(CompletionPort, ulCount, dwMilliseconds, Boolean(fAlertable), entriesFill(lpCompletionPortEntries, ulNumEntriesRemoved));
}

function invalidCount(removed: ULONG): boolean {
  removed.value = 0;
  native.WSASetLastError(87); // ERROR_INVALID_PARAMETER
  return false;
}

/** Queues a packet that GetQueuedCompletionStatus hands out verbatim; lpOverlapped may be null. */
export function PostQueuedCompletionStatus(
  CompletionPort: HANDLE, dwNumberOfBytesTransferred: number, dwCompletionKey: number | bigint, lpOverlapped: WSAOVERLAPPED | null,
): boolean {
  if (lpOverlapped === null || lpOverlapped === undefined) {
    return native.postQueuedCompletionStatus(CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey, null, 0);
  }
  if (!(lpOverlapped instanceof native.WSAOVERLAPPED)) {
    throw new TypeError('PostQueuedCompletionStatus: argument lpOverlapped must be a WSAOVERLAPPED or null');
  }
  const slot = holdSlot(lpOverlapped, null, null);
  let posted = false;
  try {
    posted = native.postQueuedCompletionStatus(CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey, stateOf(lpOverlapped, stateKey), slot);
  } finally {
    if (!posted) releaseSlot(slot);
  }
  return posted;
}
