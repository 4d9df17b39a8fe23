/** What --protocol accepts: raw bytes, or @overlapped/protocol's packets. */
export const PROTOCOL_NAMES = ['raw', 'packet'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
