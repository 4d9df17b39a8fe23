import { winsockErrorText } from '@overlapped/core';

/**
 * The lecture's loops never end on their own: a closed peer makes WSARecv complete with 0 bytes forever.
 * Both lecture servers end the client's loop on 0 bytes or an error and print why with this line.
 */
export function disconnectLine(cause: { syscall: string; error: number } | 'closed by peer'): string {
  if (cause === 'closed by peer') return 'Client Disconnected: closed by peer';
  return `Client Disconnected: ${cause.syscall} failed: ${winsockErrorText(cause.error)}`;
}
