/**
 * The referral lifecycle (spec sections 3.2 and 3.3): refer, sign or
 * return, pass down, extend, urge, feed back, accept. Every command checks
 * who may do it, changes the referral under its version, writes the audit
 * entry and queues its messages in one transaction; the commands live in
 * intake.ts, routing.ts, handling.ts and feedback.ts.
 */
import type { AppContext } from "../context.js";
import { FeedbackCommands } from "./feedback.js";
import { Handling } from "./handling.js";
import { Intake } from "./intake.js";
import { Routing } from "./routing.js";

export type { Acting, Outcome } from "./commands.js";

export class ReferralService {
  readonly create: Intake["create"];
  readonly sign: Intake["sign"];
  readonly returnToSender: Routing["returnToSender"];
  readonly resolveReturn: Routing["resolveReturn"];
  readonly passDown: Routing["passDown"];
  readonly requestExtension: Handling["requestExtension"];
  readonly decideExtension: Handling["decideExtension"];
  readonly urge: Handling["urge"];
  readonly submitFeedback: FeedbackCommands["submitFeedback"];
  readonly reviewFeedback: FeedbackCommands["reviewFeedback"];

  constructor(ctx: AppContext) {
    const intake = new Intake(ctx);
    const routing = new Routing(ctx);
    const handling = new Handling(ctx);
    const feedback = new FeedbackCommands(ctx);
    this.create = intake.create.bind(intake);
    this.sign = intake.sign.bind(intake);
    this.returnToSender = routing.returnToSender.bind(routing);
    this.resolveReturn = routing.resolveReturn.bind(routing);
    this.passDown = routing.passDown.bind(routing);
    this.requestExtension = handling.requestExtension.bind(handling);
    this.decideExtension = handling.decideExtension.bind(handling);
    this.urge = handling.urge.bind(handling);
    this.submitFeedback = feedback.submitFeedback.bind(feedback);
    this.reviewFeedback = feedback.reviewFeedback.bind(feedback);
  }
}
