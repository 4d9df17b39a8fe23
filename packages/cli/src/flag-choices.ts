/** What --strategy (and game-server's --lecture) accepts: how completions are learned, as core's createStrategy names it. */
export const STRATEGY_NAMES = ['event', 'callback'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** What --protocol accepts: raw bytes, or @overlapped/protocol's packets. */
export const PROTOCOL_NAMES = ['raw', 'packet'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
