import { winsockErrorText } from '@overlapped/core';

/** The client could not connect in time; runMain prints the message and exits with code 1. */
export class ConnectFailure extends Error {
  override readonly name = 'ConnectFailure';

  constructor(host: string, port: number, timeoutMs: number, winsockErrno: number) {
    super(
      `could not connect to ${host}:${port} within ${timeoutMs / 1000} s: ${winsockErrorText(winsockErrno)}. ` +
        'Start the game-server first, or give it longer with --connect-timeout.',
    );
  }
}
