/** A request the CLI cannot carry out as given: exit code 2 with the usage, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
