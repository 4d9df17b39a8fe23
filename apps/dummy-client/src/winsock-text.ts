import { describeError } from '@overlapped/winsock-native';

/** "Connection refused (WSAECONNREFUSED)": Winsock's message without its closing period, then the code. */
export function winsockText(errno: number): string {
  const { code, message } = describeError(errno);
  return `${message.replace(/\.$/, '')} (${code})`;
}
