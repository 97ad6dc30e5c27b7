import { z } from 'zod';

/** A provider's http(s) URL setting, refused with `error` (which says what URL to give) otherwise. */
export function httpUrl(error: string) {
  return z.url({ protocol: /^https?$/, error });
}
