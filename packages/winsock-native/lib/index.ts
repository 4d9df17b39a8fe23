// @overlapped/winsock-native: the Winsock-2 overlapped API for Node.js (CONTRACT.md section 1).
import { native } from './binding.js';

export * from './constants.js';
export * from './structs.js';
export * from './byteorder.js';
export { describeError, WinsockError, winsockError, type ErrorDescription } from './errors.js';
export { WSAWaitForMultipleEventsAsync, SleepExAsync } from './waits.js';
export { WSARecv, WSASend, WSAGetOverlappedResult } from './overlapped-io.js';
export {
  GetQueuedCompletionStatus,
  GetQueuedCompletionStatusAsync,
  GetQueuedCompletionStatusEx,
  GetQueuedCompletionStatusExAsync,
  PostQueuedCompletionStatus,
} from './ports.js';
export {
  AcceptEx,
  ConnectEx,
  DisconnectEx,
  GetAcceptExSockaddrs,
  WSAIoctl,
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  WSAID_DISCONNECTEX,
  WSAID_GETACCEPTEXSOCKADDRS,
  type LPFN_ACCEPTEX,
  type LPFN_CONNECTEX,
  type LPFN_DISCONNECTEX,
  type LPFN_GETACCEPTEXSOCKADDRS,
} from './extensions.js';
export type { WSAOVERLAPPEDConstructor, LPWSAOVERLAPPED_COMPLETION_ROUTINE, ResourceCounts, EngineInfo } from './binding.js';
import type { WSAOVERLAPPED as OverlappedShape } from './binding.js';
import { WSAGetLastError } from './thread-words.js';

/** Native-backed and subclassable: the completion routine receives the very object that was passed. */
export type WSAOVERLAPPED = OverlappedShape;
export const WSAOVERLAPPED = native.WSAOVERLAPPED;

export const {
  WSAStartup,
  WSACleanup,
  WSASetLastError,
  socket,
  WSASocket,
  ioctlsocket,
  bind,
  listen,
  accept,
  connect,
  closesocket,
  shutdown,
  setsockopt,
  getsockopt,
  getpeername,
  getsockname,
  send,
  recv,
  WSACreateEvent,
  WSACloseEvent,
  WSASetEvent,
  WSAResetEvent,
  WSAWaitForMultipleEvents,
  SleepEx,
  WSAEventSelect,
  WSAEnumNetworkEvents,
  getResourceCounts,
  getEngine,
  CreateIoCompletionPort,
  CloseHandle,
  SetFileCompletionNotificationModes,
  CancelIo,
  CancelIoEx,
} = native;

export { WSAGetLastError };
/** GetLastError(): the calling thread's last error, the same value as WSAGetLastError(). */
export const GetLastError = WSAGetLastError;
