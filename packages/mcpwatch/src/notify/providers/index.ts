import type { AnyNotifier } from '../notifier.js';
import { alertmanager } from './alertmanager.js';
import { email } from './email.js';
import { opsgenie } from './opsgenie.js';
import { pagerduty } from './pagerduty.js';
import { webhook } from './webhook.js';

/**
 * The one list of channel types: the config schema, the API and the dispatcher read it, so a provider
 * added here is configurable everywhere and nothing else lists them.
 */
export const PROVIDERS = {
  webhook,
  email,
  pagerduty,
  opsgenie,
  alertmanager,
} satisfies Record<string, AnyNotifier>;

export type ProviderType = keyof typeof PROVIDERS;
