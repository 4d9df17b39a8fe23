import { CallbackStrategy } from './callback-strategy.js';
import type { CompletionStrategy } from './completion-strategy.js';
import { EventStrategy } from './event-strategy.js';

export type StrategyName = 'event' | 'callback';

export function createStrategy(name: StrategyName): CompletionStrategy {
  switch (name) {
    case 'event':
      return new EventStrategy();
    case 'callback':
      return new CallbackStrategy();
    default:
      throw new TypeError(`createStrategy: unknown strategy '${String(name)}' (expected 'event' or 'callback')`);
  }
}
