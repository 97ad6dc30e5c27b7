/** Polls `probe` until it returns a truthy value; bounded so a broken test fails instead of hanging. */
export async function until<T>(probe: () => T | Promise<T>, what: string, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
