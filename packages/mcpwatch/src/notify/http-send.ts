import type { Delivery, HttpRequest } from './notifier.js';

/** A provider's answer is kept for the API, cut to this many characters. */
const ANSWER_CHARS = 2000;
/** Retry-After beyond this is capped: a channel is retried within the hour whatever it says. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Sends one provider request and classifies the answer the way every HTTP provider needs: 2xx delivered;
 * 408, 425, 429 and 5xx worth retrying (with the provider's Retry-After, in seconds or as a date); any other
 * 4xx permanent, since the same request will fail the same way. Network errors and timeouts are retried.
 */
export async function sendHttp(request: HttpRequest, signal: AbortSignal): Promise<Delivery> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      redirect: 'manual',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const text = signal.aborted ? 'timed out' : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { ok: false, permanent: false, error: `${hostOf(request.url)}: ${text}` };
  }
  const answer = (await readBounded(response)).slice(0, ANSWER_CHARS);
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, status: response.status, ...(answer ? { response: answer } : {}) };
  }
  const retryable =
    response.status === 408 || response.status === 425 || response.status === 429 || response.status >= 500;
  const retryAfterMs = retryAfter(response.headers.get('retry-after'));
  return {
    ok: false,
    permanent: !retryable,
    status: response.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    error: `HTTP ${response.status}${answer ? `: ${answer}` : ''}`,
  };
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, seconds), MAX_RETRY_AFTER_MS);
}

async function readBounded(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ANSWER_CHARS * 4) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // An answer cut off mid-way still says what it said so far.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Only the host is named in errors: a webhook URL's path is often its secret. */
function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : 'the provider';
}
