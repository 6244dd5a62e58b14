/** What every request of the web app carries in `ctx.state`. */
import type { Bot } from "../boot.js";
import type { Sessions } from "./session.js";

export interface WebState {
  bot: Bot;
  sessions: Sessions;
  /** The parsed request body of a POST (JSON or form), `{}` when empty. */
  body: unknown;
  /** Where an error page offers to go back to, when a route knows. */
  back?: { href: string; label: string };
}
