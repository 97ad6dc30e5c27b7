import { tooLarge } from './limits.js';

/** What a body needs from the transfer under it: flow control and a way to stop it. */
export interface BodySource {
  pause(): void;
  resume(): void;
  /** Stops the transfer for good (the connection under it cannot be reused). */
  abort(): void;
}

/** Bytes queued unread before the server is paused: bounds memory when nobody reads a body. */
const HIGH_WATER = 64 * 1024;

/**
 * A response body fed by the HTTP client's data events. A probe reads small JSON bodies whole or SSE
 * streams event by event; a stream's async iterator would cost more CPU than the exchange itself. It
 * never emits errors on its own: a failure reaches whoever reads next, and a body nobody reads is
 * dropped silently.
 */
export class ResponseBody implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private done = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private collecting = false;

  private paused = false;

  constructor(private readonly source: BodySource) {}

  push(chunk: Buffer): void {
    if (this.done) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER && !this.collecting && !this.paused) {
      this.paused = true;
      this.source.pause();
    }
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  fail(error: Error): void {
    if (this.done) return;
    this.failure = error;
    this.done = true;
    this.notify();
  }

  /** Stops the transfer; what was not read is dropped. */
  destroy(): void {
    if (!this.done) this.source.abort();
    this.done = true;
    this.queue.length = 0;
    this.queued = 0;
    this.notify();
  }

  /** The whole body, or `response_too_large` as soon as it passes `maxBytes`. */
  async readAll(maxBytes: number): Promise<Buffer> {
    // Collecting: no pausing, the cap bounds memory instead. Waits only when the body is not complete yet.
    this.collecting = true;
    this.unpause();
    for (;;) {
      if (this.queued > maxBytes) {
        this.destroy();
        throw tooLarge(maxBytes);
      }
      if (this.failure) throw this.failure;
      if (this.done) {
        const body =
          this.queue.length === 1 ? (this.queue[0] as Buffer) : Buffer.concat(this.queue, this.queued);
        this.queue.length = 0;
        this.queued = 0;
        return body;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.queue.length > 0) {
        const chunk = this.queue.shift() as Buffer;
        this.queued -= chunk.length;
        if (this.queued <= HIGH_WATER / 2) this.unpause();
        yield chunk;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.source.resume();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
