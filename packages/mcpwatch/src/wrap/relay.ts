import type { Readable, Writable } from 'node:stream';

/**
 * Lines longer than this are relayed but not observed: their pieces are dropped as they pass instead of
 * being kept for one parse. 16 MiB holds any message a client is likely to send or read in one go (a 5 MB
 * tool result is parsed once); past it, the request it answers stays unmatched and is not counted.
 */
export const MAX_OBSERVED_LINE = 16 * 1024 * 1024;

/**
 * Splits a byte stream into lines for an observer without changing or delaying the stream itself. A line
 * that fits in one chunk is decoded straight from that chunk; a line spread over chunks keeps references to
 * its pieces (no copy) and is joined once, at its newline. A line past `maxLineBytes` is skipped and reported
 * by its size. Lines are handed over without the newline; blank lines are not handed over.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Bytes of the current line while it is being skipped, or -1 when it is not. */
  private skipped = -1;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onSkipped: (bytes: number) => void,
    private readonly maxLineBytes = MAX_OBSERVED_LINE,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline === -1) {
        this.keep(chunk, start, chunk.length);
        return;
      }
      this.finish(chunk, start, newline);
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    if (this.skipped >= 0) this.skip(0);
    else if (this.partBytes > 0) this.emit(Buffer.concat(this.parts, this.partBytes).toString('utf8'));
    this.parts = [];
    this.partBytes = 0;
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n === 0) return;
    if (this.skipped >= 0) {
      this.skipped += n;
    } else if (this.partBytes + n > this.maxLineBytes) {
      this.skipped = this.partBytes + n;
      this.parts = [];
      this.partBytes = 0;
    } else {
      this.parts.push(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
      this.partBytes += n;
    }
  }

  private finish(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.skipped >= 0) {
      this.skip(n);
      return;
    }
    if (this.partBytes + n > this.maxLineBytes) {
      this.skipped = this.partBytes + n;
      this.parts = [];
      this.partBytes = 0;
      this.skip(0);
      return;
    }
    if (this.partBytes === 0) {
      if (n > 0) this.emit(chunk.toString('utf8', start, end));
      return;
    }
    this.parts.push(chunk.subarray(start, end));
    const line = Buffer.concat(this.parts, this.partBytes + n).toString('utf8');
    this.parts = [];
    this.partBytes = 0;
    this.emit(line);
  }

  private skip(more: number): void {
    const bytes = this.skipped + more;
    this.skipped = -1;
    this.onSkipped(bytes);
  }

  private emit(line: string): void {
    // A blank line (or a lone CR) carries no message.
    if (line.length > 1 || (line.length === 1 && line !== '\r' && line !== ' ')) this.onLine(line);
  }
}

export interface RelayHandlers {
  /** Each chunk, after it was handed to the destination. Throwing here cannot disturb the relay. */
  observe(chunk: Buffer): void;
  /** The source ended (EOF) or failed. */
  end(): void;
  /** Writing to the destination failed (the reader went away): later chunks are read and dropped. */
  lost?(error: Error): void;
}

/**
 * Copies `from` to `to` chunk by chunk, exactly as read, honouring the destination's back-pressure, and
 * shows every chunk to an observer after writing it. Ends `to` when `from` ends if `endDestination`.
 */
export function relay(from: Readable, to: Writable, handlers: RelayHandlers, endDestination: boolean): void {
  let lost = false;
  const onLost = (error: Error) => {
    if (lost) return;
    lost = true;
    from.resume();
    handlers.lost?.(error);
  };
  to.on('error', onLost);
  let waiting = false;
  const drained = () => {
    waiting = false;
    from.resume();
  };
  from.on('data', (chunk: Buffer) => {
    if (!lost && !to.destroyed && !to.writableEnded && !to.write(chunk) && !waiting) {
      waiting = true;
      from.pause();
      to.once('drain', drained);
    }
    try {
      handlers.observe(chunk);
    } catch {
      // Observation is best effort; the bytes have already gone on.
    }
  });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    if (endDestination && !lost && !to.destroyed && !to.writableEnded) to.end();
    handlers.end();
  };
  from.once('end', end);
  from.once('error', end);
  from.once('close', end);
}
