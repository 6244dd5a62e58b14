/**
 * Sign-in for the form pages inside WeCom. A link in a card goes to
 * WeCom's authorize page (snsapi_base: silent, the member only), which
 * comes back to /wecom/oauth with a one-time code; WeCom turns the code
 * into the member's userid, and the bound person gets the same short
 * signed session the rest of the web layer knows.
 *
 * The page to return to travels in the redirect address, with a state
 * that is our signature over it, so nobody can craft a sign-in that
 * lands on another site or on a page the link did not name.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { WecomConfig } from "../../src/config.js";
import { isLocalPath } from "../../src/web/local-path.js";

export { isLocalPath };

export const OAUTH_PATH = "/wecom/oauth";

export class WecomOAuth {
  private readonly key: Buffer;

  constructor(
    private readonly wecom: WecomConfig,
    private readonly publicUrl: string,
    sessionSecret: string,
  ) {
    this.key = createHmac("sha256", sessionSecret)
      .update("wecom-oauth-state")
      .digest();
  }

  /** A link to one of our pages, through WeCom's sign-in; others as they are. */
  link = (url: string): string => {
    const next = this.localPath(url);
    return next === undefined ? url : this.authorizeUrl(next);
  };

  authorizeUrl(next: string): string {
    const redirect = `${this.publicUrl}${OAUTH_PATH}?next=${encodeURIComponent(next)}`;
    const query = [
      `appid=${encodeURIComponent(this.wecom.corpId)}`,
      `redirect_uri=${encodeURIComponent(redirect)}`,
      "response_type=code",
      "scope=snsapi_base",
      `state=${this.state(next)}`,
      `agentid=${this.wecom.agentId}`,
    ].join("&");
    return `${this.wecom.oauthBase}/connect/oauth2/authorize?${query}#wechat_redirect`;
  }

  /** True when `state` is ours for this page. */
  checkState(next: string, state: string): boolean {
    const expected = Buffer.from(this.state(next));
    const given = Buffer.from(state);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** WeCom allows [a-zA-Z0-9] up to 128 bytes: hex fits. */
  private state(next: string): string {
    return createHmac("sha256", this.key)
      .update(next)
      .digest("hex")
      .slice(0, 32);
  }

  /** The path and query of a URL on our own site, or undefined. */
  private localPath(url: string): string | undefined {
    const base = this.publicUrl;
    if (!url.startsWith(`${base}/`)) {
      return undefined;
    }
    const rest = url.slice(base.length);
    return isLocalPath(rest) ? rest : undefined;
  }
}
