// WSARecv / WSASend / WSAGetOverlappedResult. The common shape of a server's calls (one WSABUF and an
// OVERLAPPED) is checked and read here, where the JIT makes that nearly free, and one native call
// (`overlappedIo`) does the rest; an immediate completion's out-parameters and a finished operation's result are
// read from the overlapped's state array, with no call at all. Every other shape goes to the native functions,
// so arguments, results, last errors and TypeErrors stay exactly Winsock's. Either way, what an operation needs
// until it completes is held in a slot (completions.ts).
import { markAsUntransferable } from 'node:worker_threads';
import { native, type LPWSAOVERLAPPED_COMPLETION_ROUTINE, type WSAOVERLAPPED } from './binding.js';
import { holdSlot, releaseSlot } from './completions.js';
import { SOCKET_ERROR, STATUS_PENDING, WSA_IO_PENDING } from './constants.js';
import { ERROR, FLAGS, INTERNAL, INTERNAL_HIGH, stateOf } from './overlapped-state.js';
import { WSABUF, type DWORD, type SOCKET } from './structs.js';
import {
  FAST_EVENT, FAST_FLAGS, FAST_LENGTH, FAST_MODE, FAST_SLOT, FAST_SOCKET, START_BYTES, START_FLAGS, START_SLOT_KEPT,
  WSAGetLastError, threadWords,
} from './thread-words.js';

const RECV = 0;
const SEND = 1;
const WITH_ROUTINE = 2; // or'ed into the fast entry's mode
// Read once: the addon's exports object has a hundred properties set from C++, so each `native.x` in a hot path
// is a dictionary lookup.
const { overlappedStateKey: stateKey, overlappedIo, WSAOVERLAPPED: OverlappedClass } = native;

// Buffers another thread may write into while an operation pends must never be transferred away
// (src/api/overlapped.cc, KeepAttached); each backing store is marked once. Receive views are remembered too:
// `.buffer` is a call into C++ each time, and a server receives into the same view over and over (a send's
// view is usually new each time, and remembering every one would cost more than it saves).
const marked = new WeakSet<ArrayBufferLike>();
const markedReceiveViews = new WeakSet<Uint8Array>();
function keepAttached(buffer: Uint8Array, kind: number): void {
  if (kind === RECV && markedReceiveViews.has(buffer)) return;
  const backing = buffer.buffer;
  if (!marked.has(backing)) {
    markAsUntransferable(backing);
    marked.add(backing);
  }
  if (kind === RECV) markedReceiveViews.add(buffer);
}

type Box = { value: number };
type Routine = LPWSAOVERLAPPED_COMPLETION_ROUTINE | null | undefined;
const isBox = (value: unknown): value is Box =>
  typeof value === 'object' && value !== null && typeof (value as Box).value === 'number';
const isOptionalBox = (value: unknown): value is Box | null | undefined => value === null || value === undefined || isBox(value);
const isOptionalRoutine = (value: unknown): value is Routine => value === null || value === undefined || typeof value === 'function';

/** The one WSABUF of a call, if the call has the fast shape. */
function singleBuffer(lpBuffers: WSABUF[] | WSABUF, dwBufferCount: number): WSABUF | null {
  if (dwBufferCount !== 1) return null;
  const first = lpBuffers instanceof WSABUF ? lpBuffers : Array.isArray(lpBuffers) ? lpBuffers[0] : undefined;
  if (!(first instanceof WSABUF) || !(first.buf instanceof Uint8Array) || typeof first.len !== 'number') return null;
  return first;
}

/**
 * The slot outlives the call only when the operation does: it pends, or it completed at once with a routine or
 * a completion port packet owed (the addon says so in the thread's words). A failed start never keeps it.
 */
export function settleSlot(slot: number, error: number): void {
  if (error === WSA_IO_PENDING || (error === 0 && threadWords[START_SLOT_KEPT] === 1)) return;
  releaseSlot(slot);
}

function startFast(
  kind: number, s: SOCKET, buffer: WSABUF, flags: number, overlapped: WSAOVERLAPPED, routine: Routine,
  bytes: Box | null | undefined, flagsOut: Box | null,
): number {
  keepAttached(buffer.buf, kind);
  const slot = holdSlot(overlapped, routine, buffer.buf);
  const words = threadWords;
  words[FAST_MODE] = typeof routine === 'function' ? kind | WITH_ROUTINE : kind;
  words[FAST_SOCKET] = s;
  words[FAST_LENGTH] = buffer.len;
  words[FAST_FLAGS] = flags;
  words[FAST_EVENT] = overlapped.hEvent;
  words[FAST_SLOT] = slot;
  const error = overlappedIo(buffer.buf, stateOf(overlapped, stateKey));
  settleSlot(slot, error);
  if (error !== 0) return SOCKET_ERROR;
  if (bytes) bytes.value = words[START_BYTES]!;
  if (flagsOut) flagsOut.value = words[START_FLAGS]!;
  return 0;
}

/** The buffers of a general call, as they are now (a WSABUF changed later must not drop one the kernel uses). */
function buffersOf(lpBuffers: unknown): unknown {
  if (Array.isArray(lpBuffers)) return lpBuffers.map((wsabuf: unknown) => (wsabuf as WSABUF | undefined)?.buf);
  return (lpBuffers as WSABUF | undefined)?.buf;
}

/** The native general path: `call(slot)` makes the native call (slot 0 when there is no overlapped). */
function startGeneral(
  lpBuffers: WSABUF[] | WSABUF, lpOverlapped: WSAOVERLAPPED | null, routine: Routine, call: (slot: number) => number,
): number {
  if (!(lpOverlapped instanceof OverlappedClass)) return call(0);
  const slot = holdSlot(lpOverlapped, routine, buffersOf(lpBuffers));
  let result: number;
  try {
    result = call(slot);
  } catch (error) {
    releaseSlot(slot); // a TypeError: nothing was started
    throw error;
  }
  settleSlot(slot, result === 0 ? 0 : WSAGetLastError());
  return result;
}

export function WSARecv(
  s: SOCKET,
  lpBuffers: WSABUF[] | WSABUF,
  dwBufferCount: number,
  lpNumberOfBytesRecvd: DWORD | null,
  lpFlags: DWORD,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
): number {
  const buffer = singleBuffer(lpBuffers, dwBufferCount);
  if (buffer !== null && typeof s === 'number' && lpOverlapped instanceof OverlappedClass && isBox(lpFlags) &&
      isOptionalBox(lpNumberOfBytesRecvd) && isOptionalRoutine(lpCompletionRoutine)) {
    return startFast(RECV, s, buffer, lpFlags.value, lpOverlapped, lpCompletionRoutine, lpNumberOfBytesRecvd, lpFlags);
  }
  return startGeneral(lpBuffers, lpOverlapped, lpCompletionRoutine, (slot) =>
    native.WSARecv(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpOverlapped, lpCompletionRoutine, slot));
}

export function WSASend(
  s: SOCKET,
  lpBuffers: WSABUF[] | WSABUF,
  dwBufferCount: number,
  lpNumberOfBytesSent: DWORD | null,
  dwFlags: number,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
): number {
  const buffer = singleBuffer(lpBuffers, dwBufferCount);
  if (buffer !== null && typeof s === 'number' && typeof dwFlags === 'number' &&
      lpOverlapped instanceof OverlappedClass && isOptionalBox(lpNumberOfBytesSent) &&
      isOptionalRoutine(lpCompletionRoutine)) {
    return startFast(SEND, s, buffer, dwFlags, lpOverlapped, lpCompletionRoutine, lpNumberOfBytesSent, null);
  }
  return startGeneral(lpBuffers, lpOverlapped, lpCompletionRoutine, (slot) =>
    native.WSASend(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpOverlapped, lpCompletionRoutine, slot));
}

export function WSAGetOverlappedResult(
  s: SOCKET, lpOverlapped: WSAOVERLAPPED, lpcbTransfer: DWORD, fWait: boolean, lpdwFlags: DWORD,
): boolean {
  // A finished operation's result is in its state; a pending one (which may block) takes the native path.
  if (typeof s === 'number' && lpOverlapped instanceof OverlappedClass && isBox(lpcbTransfer) &&
      isBox(lpdwFlags) && (typeof fWait === 'boolean' || typeof fWait === 'number')) {
    const state = stateOf(lpOverlapped, stateKey);
    if (Atomics.load(state, INTERNAL) !== STATUS_PENDING) {
      lpcbTransfer.value = state[INTERNAL_HIGH]!;
      lpdwFlags.value = state[FLAGS]!;
      const error = state[ERROR]!;
      if (error === 0) return true;
      native.WSASetLastError(error);
      return false;
    }
  }
  return native.WSAGetOverlappedResult(s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags);
}
