import type { AnyNotifier } from '../notifier.js';
import { alertmanager } from './alertmanager.js';
import { discord } from './discord.js';
import { email } from './email.js';
import { gotify } from './gotify.js';
import { ntfy } from './ntfy.js';
import { opsgenie } from './opsgenie.js';
import { pagerduty } from './pagerduty.js';
import { slack } from './slack.js';
import { teams } from './teams.js';
import { telegram } from './telegram.js';
import { webhook } from './webhook.js';

/**
 * The one list of channel types: the config schema, the API and the dispatcher read it, so a provider
 * added here is configurable everywhere and nothing else lists them.
 */
export const PROVIDERS = {
  webhook,
  slack,
  discord,
  teams,
  telegram,
  email,
  pagerduty,
  opsgenie,
  alertmanager,
  ntfy,
  gotify,
} satisfies Record<string, AnyNotifier>;

export type ProviderType = keyof typeof PROVIDERS;
