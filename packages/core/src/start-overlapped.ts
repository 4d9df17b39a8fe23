import {
  DWORD, SOCKET_ERROR, WSA_IO_PENDING, WSAGetLastError, WSARecv, WSASend,
  type LPWSAOVERLAPPED_COMPLETION_ROUTINE, type SOCKET,
} from '@overlapped/winsock-native';
import type { IoOperation } from './io-operation.js';

/**
 * Starts an overlapped call and says whether Winsock will announce its completion.
 * Returns 0 when it will (the call is in flight, or it completed at once: Winsock announces an immediate
 * completion exactly like a late one, so callers treat both alike and never complete twice), otherwise the
 * Winsock error, for which nothing will ever be announced.
 */
export type StartOverlapped = (
  socket: SOCKET, op: IoOperation, routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
) => number;

// Receive flags are in/out; reset before each call. One box serves every call: the real flags of a
// completed receive are read through WSAGetOverlappedResult, never from here.
const recvFlags = new DWORD();

function announcedOrError(result: number): number {
  if (result !== SOCKET_ERROR) return 0;
  const error = WSAGetLastError();
  return error === WSA_IO_PENDING ? 0 : error;
}

// The byte-count out-parameter is null: with an overlapped the count is delivered by the completion.
export const startRecv: StartOverlapped = (socket, op, routine) => {
  recvFlags.value = 0;
  return announcedOrError(WSARecv(socket, op.buffers, op.buffers.length, null, recvFlags, op, routine));
};

export const startSend: StartOverlapped = (socket, op, routine) =>
  announcedOrError(WSASend(socket, op.buffers, op.buffers.length, null, 0, op, routine));
