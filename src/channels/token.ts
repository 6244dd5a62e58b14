/**
 * A platform's access token, shared by every caller: fetched once for all
 * who ask at the same moment, kept until shortly before it expires, and
 * fetched again (once) when the platform says it is no longer good. Only
 * the token that failed is dropped, so callers that fail together fetch
 * one new token, not one each. Tokens expire on the platform's clock,
 * never on the bot's (which the simulator and tests move).
 */

/** Fetch a new token this long before the platform says it expires. */
const EARLY_MS = 300_000;

export class TokenCache {
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly fetchToken: () => Promise<{
      value: string;
      lifetimeMs: number;
    }>,
    /** True for the errors that mean "this token is no longer good". */
    private readonly expired: (error: unknown) => boolean,
  ) {}

  /** Runs `call` with the token; once more with a new one if it expired. */
  async use<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.get();
    try {
      return await call(token);
    } catch (error) {
      if (!this.expired(error)) {
        throw error;
      }
      if (this.token?.value === token) {
        this.token = undefined;
      }
      return call(await this.get());
    }
  }

  private get(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) {
      return Promise.resolve(this.token.value);
    }
    this.pending ??= this.fetchToken()
      .then(({ value, lifetimeMs }) => {
        this.token = { value, expiresAt: Date.now() + lifetimeMs - EARLY_MS };
        return value;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
