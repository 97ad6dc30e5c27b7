import { ProbeFailure } from '../failure.js';

export function tooLarge(maxBytes: number): ProbeFailure {
  return new ProbeFailure('response_too_large', `The response passed the ${maxBytes}-byte limit`);
}
