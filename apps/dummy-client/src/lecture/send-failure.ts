import { describeError } from '@overlapped/winsock-native';

/** The line for a send that failed: the server closed or reset the connection, or the socket broke. */
export function sendFailure(error: number): string {
  const { code, message } = describeError(error);
  return `Disconnected From Server: WSASend failed: ${message} (${code})`;
}
