import { AF_INET, SOCKADDR_IN, htons, inet_ntop, inet_pton, ntohs } from '@overlapped/winsock-native';

export interface Endpoint {
  host: string;
  port: number;
}

/** sizeof(SOCKADDR_IN), the namelen every call taking one expects. */
export const SOCKADDR_IN_SIZE = 16;

export function toSockaddr(endpoint: Endpoint): SOCKADDR_IN {
  const address = new SOCKADDR_IN();
  if (inet_pton(AF_INET, endpoint.host, address.sin_addr) !== 1) {
    throw new TypeError(`endpoint host must be a dotted IPv4 address, got '${endpoint.host}'`);
  }
  if (!Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 0xffff) {
    throw new RangeError(`endpoint port must be an integer in 0..65535, got ${endpoint.port}`);
  }
  address.sin_port = htons(endpoint.port);
  return address;
}

export function fromSockaddr(address: SOCKADDR_IN): Endpoint {
  return { host: inet_ntop(AF_INET, address.sin_addr) ?? '', port: ntohs(address.sin_port) };
}
