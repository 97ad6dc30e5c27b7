import type { SchemaError } from './json-schema.ts';

/**
 * The API shows stored secrets as `***` (and a secret URL as its origin and `/***`); sending that back
 * would store it, so a form that edits a stored definition asks for the secret again.
 */
export function noHiddenSecrets(body: unknown, path = ''): SchemaError[] {
  if (typeof body === 'string' && (body === '***' || body.endsWith('/***')))
    return [{ path, message: 'is a hidden secret: type it again, or a ${NAME} reference' }];
  if (body && typeof body === 'object')
    return Object.entries(body).flatMap(([k, v]) => noHiddenSecrets(v, path ? `${path}.${k}` : k));
  return [];
}
