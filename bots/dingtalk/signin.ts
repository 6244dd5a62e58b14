/**
 * Sign-in for the form pages inside DingTalk (免登). A link in a card
 * opens /dingtalk/signin inside the DingTalk client; that page asks the
 * client for a one-time code (JSAPI requestAuthCode), posts it back, and
 * the server turns it into the member's userid; the bound person gets the
 * same short signed session the rest of the web layer knows.
 *
 * The page to go to afterwards travels with a state that is our signature
 * over it, so nobody can craft a sign-in that lands on another site or on
 * a page the link did not name.
 */
import { pathOnSite, PathSigner } from "../../src/web/local-path.js";

export const SIGNIN_PATH = "/dingtalk/signin";

export class DingTalkSignIn {
  private readonly signer: PathSigner;

  constructor(
    private readonly publicUrl: string,
    sessionSecret: string,
  ) {
    this.signer = new PathSigner(sessionSecret, "dingtalk-signin-state");
  }

  /**
   * A link to one of our pages, opened inside the DingTalk client (side
   * panel on PC) through sign-in; other links as they are.
   */
  link = (url: string): string => {
    const next = pathOnSite(this.publicUrl, url);
    if (next === undefined) {
      return url;
    }
    return (
      "dingtalk://dingtalkclient/page/link?url=" +
      `${encodeURIComponent(this.signInUrl(next))}&pc_slide=true`
    );
  };

  /** Our sign-in page for a path of ours. */
  signInUrl(next: string): string {
    return (
      `${this.publicUrl}${SIGNIN_PATH}?next=${encodeURIComponent(next)}` +
      `&state=${this.signer.sign(next)}`
    );
  }

  checkState(next: string, state: string): boolean {
    return this.signer.check(next, state);
  }
}
