// One table of Winsock errors (and the Win32 codes the completion-port functions report through GetLastError()):
// number -> name + message, for describeError and WinsockError.
import { WSAGetLastError } from './thread-words.js';

const ERRORS: ReadonlyMap<number, readonly [name: string, message: string]> = new Map([
  [0, ['NO_ERROR', 'The operation completed successfully.']],
  [6, ['WSA_INVALID_HANDLE', 'Specified event object handle is invalid.']],
  [8, ['WSA_NOT_ENOUGH_MEMORY', 'Insufficient memory available.']],
  [64, ['ERROR_NETNAME_DELETED', 'The specified network name is no longer available.']],
  [87, ['WSA_INVALID_PARAMETER', 'One or more parameters are invalid.']],
  [122, ['ERROR_INSUFFICIENT_BUFFER', 'The data area passed to a system call is too small.']],
  [258, ['WAIT_TIMEOUT', 'The wait operation timed out.']],
  [735, ['ERROR_ABANDONED_WAIT_0', 'The completion port was closed while the thread waited.']],
  [995, ['WSA_OPERATION_ABORTED', 'Overlapped operation aborted.']],
  [996, ['WSA_IO_INCOMPLETE', 'Overlapped I/O event object not in signaled state.']],
  [997, ['WSA_IO_PENDING', 'Overlapped operations will complete later.']],
  [1168, ['ERROR_NOT_FOUND', 'Element not found.']],
  [1225, ['ERROR_CONNECTION_REFUSED', 'The remote computer refused the network connection.']],
  [1236, ['ERROR_CONNECTION_ABORTED', 'The network connection was aborted by the local system.']],
  [10004, ['WSAEINTR', 'Interrupted function call.']],
  [10009, ['WSAEBADF', 'File handle is not valid.']],
  [10013, ['WSAEACCES', 'Permission denied.']],
  [10014, ['WSAEFAULT', 'Bad address.']],
  [10022, ['WSAEINVAL', 'Invalid argument.']],
  [10024, ['WSAEMFILE', 'Too many open files.']],
  [10035, ['WSAEWOULDBLOCK', 'Resource temporarily unavailable.']],
  [10036, ['WSAEINPROGRESS', 'Operation now in progress.']],
  [10037, ['WSAEALREADY', 'Operation already in progress.']],
  [10038, ['WSAENOTSOCK', 'Socket operation on nonsocket.']],
  [10039, ['WSAEDESTADDRREQ', 'Destination address required.']],
  [10040, ['WSAEMSGSIZE', 'Message too long.']],
  [10041, ['WSAEPROTOTYPE', 'Protocol wrong type for socket.']],
  [10042, ['WSAENOPROTOOPT', 'Bad protocol option.']],
  [10043, ['WSAEPROTONOSUPPORT', 'Protocol not supported.']],
  [10044, ['WSAESOCKTNOSUPPORT', 'Socket type not supported.']],
  [10045, ['WSAEOPNOTSUPP', 'Operation not supported.']],
  [10047, ['WSAEAFNOSUPPORT', 'Address family not supported by protocol family.']],
  [10048, ['WSAEADDRINUSE', 'Address already in use.']],
  [10049, ['WSAEADDRNOTAVAIL', 'Cannot assign requested address.']],
  [10050, ['WSAENETDOWN', 'Network is down.']],
  [10051, ['WSAENETUNREACH', 'Network is unreachable.']],
  [10052, ['WSAENETRESET', 'Network dropped connection on reset.']],
  [10053, ['WSAECONNABORTED', 'Software caused connection abort.']],
  [10054, ['WSAECONNRESET', 'Connection reset by peer.']],
  [10055, ['WSAENOBUFS', 'No buffer space available.']],
  [10056, ['WSAEISCONN', 'Socket is already connected.']],
  [10057, ['WSAENOTCONN', 'Socket is not connected.']],
  [10058, ['WSAESHUTDOWN', 'Cannot send after socket shutdown.']],
  [10060, ['WSAETIMEDOUT', 'Connection timed out.']],
  [10061, ['WSAECONNREFUSED', 'Connection refused.']],
  [10065, ['WSAEHOSTUNREACH', 'No route to host.']],
  [10092, ['WSAVERNOTSUPPORTED', 'Winsock.dll version out of range.']],
  [10093, ['WSANOTINITIALISED', 'Successful WSAStartup not yet performed.']],
]);

export interface ErrorDescription {
  code: string; // 'WSAECONNRESET'
  errno: number; // 10054
  message: string;
}

export function describeError(code: number): ErrorDescription {
  const entry = ERRORS.get(code);
  if (entry === undefined) return { code: `WSA_ERROR_${code}`, errno: code, message: `Unknown Winsock error ${code}.` };
  return { code: entry[0], errno: code, message: entry[1] };
}

/** A Winsock failure as an Error, for the layers above (`{ code: 'WSAECONNRESET', errno: 10054, syscall }`). */
export class WinsockError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;

  constructor(syscall: string, errno: number) {
    const description = describeError(errno);
    super(`${syscall} failed: ${description.code} (${errno}) ${description.message}`);
    this.name = 'WinsockError';
    this.code = description.code;
    this.errno = errno;
    this.syscall = syscall;
  }
}

export function winsockError(syscall: string, errno: number = WSAGetLastError()): WinsockError {
  return new WinsockError(syscall, errno);
}
