import { winsockErrorText } from '@overlapped/core';

/** The line for a send that failed: the server closed or reset the connection, or the socket broke. */
export function sendFailure(error: number): string {
  return `Disconnected From Server: WSASend failed: ${winsockErrorText(error)}`;
}
