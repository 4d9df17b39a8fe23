// The words this JS thread shares with the addon (src/core/env_state.h, ThreadWord): read and written without a
// call into C++. One Uint32Array per thread: each thread loads the addon for itself.
import { native } from './binding.js';

export const threadWords = native.threadWords;

export const LAST_ERROR = 0;
/** 1 when the slot of the last overlapped start outlives the call (it pends, a routine or a packet is owed). */
export const START_SLOT_KEPT = 1;
/** An immediate completion's byte count and flags: never read from the overlapped's state (ThreadWord says why). */
export const START_BYTES = 2;
export const START_FLAGS = 3;
/** The fast WSARecv / WSASend entry's arguments (overlapped-io.ts). */
export const FAST_MODE = 4;
export const FAST_SOCKET = 5;
export const FAST_LENGTH = 6;
export const FAST_FLAGS = 7;
export const FAST_EVENT = 8;
export const FAST_SLOT = 9;

/** The calling thread's last error: a memory read. */
export function WSAGetLastError(): number {
  return threadWords[LAST_ERROR]!;
}
