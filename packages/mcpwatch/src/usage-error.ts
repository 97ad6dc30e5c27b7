/**
 * A mistake in what the user asked for (a flag, a config file, a missing variable), as opposed to what a
 * server did. The CLI prints its message as one line and exits with code 3; the message says what to do.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
