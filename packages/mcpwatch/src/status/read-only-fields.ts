import { z } from 'zod';

/**
 * A body with the fields the API adds to what it answers (`source`, `readOnly` …) left out, so a client can
 * send back what it read, changed; any other unknown field is still refused by the schema.
 */
export function withoutAnswerFields<T extends z.ZodType>(keys: readonly string[], schema: T) {
  return z.preprocess((body) => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
    return Object.fromEntries(Object.entries(body).filter(([key]) => !keys.includes(key)));
  }, schema);
}
