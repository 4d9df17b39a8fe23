import {
  DWORD, SOCKET_ERROR, WSAGetLastError, WSARecv, WSASend, type LPWSAOVERLAPPED_COMPLETION_ROUTINE, type SOCKET,
} from '@overlapped/winsock-native';
import type { IoOperation } from './io-operation.js';

/**
 * Starts an overlapped call. Returns what Winsock said: 0 (completed at once), WSA_IO_PENDING, or the error of
 * a start that failed, for which nothing will ever be announced. Winsock announces an immediate completion
 * exactly like a late one (unless a completion port was told to skip it), so the event and callback
 * strategies treat 0 and WSA_IO_PENDING alike and never complete twice.
 */
export type StartOverlapped = (
  socket: SOCKET, op: IoOperation, routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
) => number;

// Receive flags are in/out; reset before each call. One box serves every call: the real flags of a
// completed receive are read through WSAGetOverlappedResult, never from here.
const recvFlags = new DWORD();
// The byte count of the last start that completed at once (a late completion delivers its own count). Read from
// the call's out-parameter, not the overlapped: with a completion port, the overlapped's next owner may be
// writing it already.
const transferred = new DWORD();

const resultOf = (result: number): number => (result === SOCKET_ERROR ? WSAGetLastError() : 0);

/** The byte count of the last startRecv / startSend that returned 0. */
export const immediateBytes = (): number => transferred.value;

export const startRecv: StartOverlapped = (socket, op, routine) => {
  recvFlags.value = 0;
  return resultOf(WSARecv(socket, op.buffers, op.bufferCount, transferred, recvFlags, op, routine));
};

export const startSend: StartOverlapped = (socket, op, routine) =>
  resultOf(WSASend(socket, op.buffers, op.bufferCount, transferred, 0, op, routine));
