/** What a provider answered a test send (the service's Delivery, docs/notifications.md). */
export type Delivery =
  | { ok: true; status?: number; response?: string }
  | { ok: false; permanent: boolean; status?: number; error: string };

/** One line for the channel's row: sent or not, the HTTP status, and the provider's own words. */
export function deliveryText(d: Delivery): string {
  const status = d.status ? ` HTTP ${d.status}.` : '';
  if (d.ok) return `Sent.${status}${d.response ? ` The provider answered: ${d.response}` : ''}`;
  return `Not sent${d.permanent ? ' (retrying will not help)' : ''}.${status} ${d.error}`;
}
