/**
 * A mistake by the user (bad scenario, bad flag, missing tool): printed as one clear line,
 * never with a stack trace, and mapped to the command's documented exit code.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}
