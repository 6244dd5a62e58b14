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
import type { WecomConfig } from "../../src/config.js";
import {
  isLocalPath,
  pathOnSite,
  PathSigner,
} from "../../src/web/local-path.js";

export { isLocalPath };

export const OAUTH_PATH = "/wecom/oauth";

export class WecomOAuth {
  private readonly signer: PathSigner;

  constructor(
    private readonly wecom: WecomConfig,
    private readonly publicUrl: string,
    sessionSecret: string,
  ) {
    this.signer = new PathSigner(sessionSecret, "wecom-oauth-state");
  }

  /** A link to one of our pages, through WeCom's sign-in; others as they are. */
  link = (url: string): string => {
    const next = pathOnSite(this.publicUrl, url);
    return next === undefined ? url : this.authorizeUrl(next);
  };

  authorizeUrl(next: string): string {
    const redirect = `${this.publicUrl}${OAUTH_PATH}?next=${encodeURIComponent(next)}`;
    const query = [
      `appid=${encodeURIComponent(this.wecom.corpId)}`,
      `redirect_uri=${encodeURIComponent(redirect)}`,
      "response_type=code",
      "scope=snsapi_base",
      `state=${this.signer.sign(next)}`,
      `agentid=${this.wecom.agentId}`,
    ].join("&");
    return `${this.wecom.oauthBase}/connect/oauth2/authorize?${query}#wechat_redirect`;
  }

  /** True when `state` is ours for this page. */
  checkState(next: string, state: string): boolean {
    return this.signer.check(next, state);
  }
}
