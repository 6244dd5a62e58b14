/**
 * Where a sign-in may send a browser afterwards: a path on this site
 * only, never another host ("//host", "/\\host", "https://…"), and
 * only the one the link was signed for.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** A path on this site: "/x…", never "//host" or "/\\host". */
export function isLocalPath(value: string): boolean {
  return (
    value.length <= 1024 &&
    /^\/(?![/\\])[\x21-\x7e]*$/.test(value) &&
    !value.includes("\\")
  );
}

/** The path and query of a URL on our own site, or undefined. */
export function pathOnSite(publicUrl: string, url: string): string | undefined {
  if (!url.startsWith(`${publicUrl}/`)) {
    return undefined;
  }
  const rest = url.slice(publicUrl.length);
  return isLocalPath(rest) ? rest : undefined;
}

/**
 * Signs the page a sign-in leads to, so that nobody can craft a sign-in
 * link that lands elsewhere. 32 hex digits: fits every platform's
 * "state" ([a-zA-Z0-9], at most 128).
 */
export class PathSigner {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = createHmac("sha256", secret).update(purpose).digest();
  }

  sign(path: string): string {
    return createHmac("sha256", this.key)
      .update(path)
      .digest("hex")
      .slice(0, 32);
  }

  check(path: string, state: string): boolean {
    const expected = Buffer.from(this.sign(path));
    const given = Buffer.from(state);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
