// The Microsoft extension functions: AcceptEx, ConnectEx, DisconnectEx, GetAcceptExSockaddrs, and WSAIoctl's
// SIO_GET_EXTENSION_FUNCTION_POINTER, which hands them out as the lecture's SocketUtils asks for them.
import { native, type WSAOVERLAPPED } from './binding.js';
import { holdSlot, releaseSlot } from './completions.js';
import { SIO_GET_EXTENSION_FUNCTION_POINTER, SOCKET_ERROR, SOL_SOCKET, SO_TYPE, WSAEFAULT, WSAEINVAL, WSAEOPNOTSUPP } from './constants.js';
import { settleSlot } from './overlapped-io.js';
import { GUID, INT, type DWORD, type LPFN, type SOCKADDR_IN, type SOCKET } from './structs.js';
import { WSAGetLastError } from './thread-words.js';

export const WSAID_ACCEPTEX = Object.freeze(new GUID(0xb5367df1, 0xcbac, 0x11cf, [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92]));
export const WSAID_CONNECTEX = Object.freeze(new GUID(0x25a207b9, 0xddf3, 0x4660, [0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e]));
export const WSAID_DISCONNECTEX = Object.freeze(new GUID(0x7fda2e11, 0x8630, 0x436f, [0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57]));
export const WSAID_GETACCEPTEXSOCKADDRS = Object.freeze(new GUID(0xb5367df2, 0xcbac, 0x11cf, [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92]));

/** Holds `overlapped` (and what the kernel uses) in a slot for the call; the slot outlives it only if the operation does. */
function withSlot(overlapped: unknown, buffers: unknown, call: (slot: number) => boolean): boolean {
  if (!(overlapped instanceof native.WSAOVERLAPPED)) return call(0); // the native side reports what is wrong
  const slot = holdSlot(overlapped, null, buffers);
  let result: boolean;
  try {
    result = call(slot);
  } catch (error) {
    releaseSlot(slot);
    throw error;
  }
  settleSlot(slot, result ? 0 : WSAGetLastError());
  return result;
}

export type LPFN_ACCEPTEX = typeof AcceptEx;
export type LPFN_CONNECTEX = typeof ConnectEx;
export type LPFN_DISCONNECTEX = typeof DisconnectEx;
export type LPFN_GETACCEPTEXSOCKADDRS = typeof GetAcceptExSockaddrs;

/** FALSE with WSAGetLastError() ERROR_IO_PENDING (997) while the connection (and its first data) is awaited. */
export function AcceptEx(
  sListenSocket: SOCKET, sAcceptSocket: SOCKET, lpOutputBuffer: Uint8Array | null, dwReceiveDataLength: number,
  dwLocalAddressLength: number, dwRemoteAddressLength: number, lpdwBytesReceived: DWORD | null, lpOverlapped: WSAOVERLAPPED | null,
): boolean {
  return withSlot(lpOverlapped, lpOutputBuffer, (slot) => native.AcceptEx(sListenSocket, sAcceptSocket, lpOutputBuffer,
    dwReceiveDataLength, dwLocalAddressLength, dwRemoteAddressLength, lpdwBytesReceived, lpOverlapped, slot));
}

/** Connects a bound socket and sends lpSendBuffer once connected; the completion says how it went. */
export function ConnectEx(
  s: SOCKET, name: SOCKADDR_IN, namelen: number, lpSendBuffer: Uint8Array | null, dwSendDataLength: number,
  lpdwBytesSent: DWORD | null, lpOverlapped: WSAOVERLAPPED | null,
): boolean {
  return withSlot(lpOverlapped, lpSendBuffer, (slot) => native.ConnectEx(s, name, namelen, lpSendBuffer, dwSendDataLength,
    lpdwBytesSent, lpOverlapped, slot));
}

/** Closes the connection gracefully; TF_REUSE_SOCKET makes the socket an AcceptEx / ConnectEx socket again. */
export function DisconnectEx(s: SOCKET, lpOverlapped: WSAOVERLAPPED | null, dwFlags: number, dwReserved: number): boolean {
  return withSlot(lpOverlapped, null, (slot) => native.DisconnectEx(s, lpOverlapped, dwFlags, dwReserved, slot));
}

/** Reads the local and remote addresses AcceptEx wrote after the received data. */
export function GetAcceptExSockaddrs(
  lpOutputBuffer: Uint8Array, dwReceiveDataLength: number, dwLocalAddressLength: number, dwRemoteAddressLength: number,
  LocalSockaddr: SOCKADDR_IN, LocalSockaddrLength: INT, RemoteSockaddr: SOCKADDR_IN, RemoteSockaddrLength: INT,
): void {
  native.GetAcceptExSockaddrs(lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength, dwRemoteAddressLength,
    LocalSockaddr, LocalSockaddrLength, RemoteSockaddr, RemoteSockaddrLength);
}

const extensionFunctions: Array<[GUID, (...args: never[]) => unknown]> = [
  [WSAID_ACCEPTEX, AcceptEx],
  [WSAID_CONNECTEX, ConnectEx],
  [WSAID_DISCONNECTEX, DisconnectEx],
  [WSAID_GETACCEPTEXSOCKADDRS, GetAcceptExSockaddrs],
];

function fail(error: number): number {
  native.WSASetLastError(error);
  return SOCKET_ERROR;
}

/**
 * WSAIoctl. SIO_GET_EXTENSION_FUNCTION_POINTER with a WSAID_* GUID puts the function into lpvOutBuffer (an LPFN
 * box) and 8 (a pointer's size) into lpcbBytesReturned; other control codes are not supported (WSAEOPNOTSUPP;
 * ioctlsocket has FIONBIO and FIONREAD).
 */
export function WSAIoctl(
  s: SOCKET, dwIoControlCode: number, lpvInBuffer: GUID | null, cbInBuffer: number, lpvOutBuffer: LPFN | null, cbOutBuffer: number,
  lpcbBytesReturned: DWORD | null, lpOverlapped: WSAOVERLAPPED | null, lpCompletionRoutine: unknown,
): number {
  if (lpOverlapped != null || lpCompletionRoutine != null) return fail(WSAEOPNOTSUPP); // only the synchronous form
  if (dwIoControlCode !== SIO_GET_EXTENSION_FUNCTION_POINTER) return fail(WSAEOPNOTSUPP);
  // Windows asks the socket's provider: a call on no socket fails as any socket call does.
  const type = new INT();
  if (native.getsockopt(s, SOL_SOCKET, SO_TYPE, type, new INT(4)) !== 0) return SOCKET_ERROR;
  if (!(lpvInBuffer instanceof GUID) || cbInBuffer < 16) return fail(WSAEFAULT);
  if (typeof lpvOutBuffer !== 'object' || lpvOutBuffer === null || cbOutBuffer < 8) return fail(WSAEFAULT);
  const found = extensionFunctions.find(([guid]) => guid.equals(lpvInBuffer));
  if (found === undefined) return fail(WSAEINVAL);
  lpvOutBuffer.value = found[1];
  if (lpcbBytesReturned) lpcbBytesReturned.value = 8;
  return 0;
}
