/**
 * A value read in the background at most every `maxAgeMs`: a scrape takes what is there and, when it is
 * stale, starts one read it does not wait for. Read failures keep the previous value (and are logged by the
 * caller's `onError`).
 */
export class Refreshed<T> {
  private value: T | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last value read (undefined before the first read ends); starts a read when it is stale. */
  current(): T | undefined {
    if (this.reading === undefined && this.now() - this.readAt >= this.maxAgeMs) void this.refresh();
    return this.value;
  }

  /** Reads now (or joins the read under way). */
  refresh(): Promise<void> {
    this.reading ??= this.read()
      .then((value) => {
        this.value = value;
      })
      .catch(this.onError)
      .finally(() => {
        this.readAt = this.now();
        this.reading = undefined;
      });
    return this.reading;
  }
}
