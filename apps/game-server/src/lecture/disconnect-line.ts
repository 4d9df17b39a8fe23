import { describeError } from '@overlapped/winsock-native';

/**
 * The lecture's loops never end on their own: a closed peer makes WSARecv complete with 0 bytes forever.
 * Both lecture servers end the client's loop on 0 bytes or an error and print why with this line.
 */
export function disconnectLine(cause: { syscall: string; error: number } | 'closed by peer'): string {
  if (cause === 'closed by peer') return 'Client Disconnected: closed by peer';
  const { code, message } = describeError(cause.error);
  return `Client Disconnected: ${cause.syscall} failed: ${message.replace(/\.$/, '')} (${code})`;
}
