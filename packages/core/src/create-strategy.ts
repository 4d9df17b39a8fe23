import { CallbackStrategy } from './callback-strategy.js';
import type { CompletionStrategy } from './completion-strategy.js';
import { EventStrategy } from './event-strategy.js';
import { IocpStrategy } from './iocp-strategy.js';

/** Every strategy createStrategy can build; command lines validate --strategy against this list. */
export const STRATEGY_NAMES = ['event', 'callback', 'iocp'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export function createStrategy(name: StrategyName): CompletionStrategy {
  switch (name) {
    case 'event':
      return new EventStrategy();
    case 'callback':
      return new CallbackStrategy();
    case 'iocp':
      return new IocpStrategy();
    default:
      throw new TypeError(`createStrategy: unknown strategy '${String(name)}' (expected one of ${STRATEGY_NAMES.join(', ')})`);
  }
}
