import { WSAECONNABORTED, WSAECONNRESET, describeError } from '@overlapped/winsock-native';
import { winsockErrorText } from './winsock-error-text.js';

/** Why a session ended: 'closed by peer', 'connection reset by peer (WSAECONNRESET)', 'local: <why>', ... */
export type DisconnectReason = string;

export const CLOSED_BY_PEER: DisconnectReason = 'closed by peer';
export const RECV_BUFFER_OVERFLOW: DisconnectReason = 'receive buffer overflow';

/** The reason for a failed completion; always names the Winsock error so it can be searched for. */
export function reasonForError(syscall: string, error: number): DisconnectReason {
  if (error === WSAECONNRESET) return `connection reset by peer (${describeError(error).code})`;
  if (error === WSAECONNABORTED) return `connection aborted (${describeError(error).code})`;
  return `${syscall} failed: ${winsockErrorText(error)}`;
}
