import type { AnyNotifier } from '../notifier.js';
import { webhook } from './webhook.js';

/**
 * The one list of channel types: the config schema, the API and the dispatcher read it, so a provider
 * added here is configurable everywhere and nothing else lists them.
 */
export const PROVIDERS = {
  webhook,
} satisfies Record<string, AnyNotifier>;

export type ProviderType = keyof typeof PROVIDERS;
