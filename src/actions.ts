/**
 * Turns a neutral action (a card click from any platform) into the
 * workflow command it stands for, as the person the platform vouched for.
 */
import type { NeutralAction } from "./channels/types.js";
import type { AppContext } from "./context.js";
import { AppError, unknownPerson } from "./errors.js";
import type { Outcome, ReferralService } from "./referrals/service.js";

export class ActionHandler {
  constructor(
    private readonly ctx: AppContext,
    private readonly referrals: ReferralService,
  ) {}

  async handle(action: NeutralAction): Promise<Outcome> {
    const person = await this.ctx.directory.personByBinding(
      action.channel,
      action.externalUserId,
    );
    if (!person) {
      throw unknownPerson();
    }
    const match = /^referral:(\d+):/.exec(action.cardKey ?? "");
    if (!match) {
      throw unknownAction();
    }
    const id = Number(match[1]);
    const acting = { person, channel: action.channel };
    const key = action.eventKey;

    switch (action.action) {
      case "referral.sign":
        return this.referrals.sign(acting, id, undefined, key);
      case "referral.accept":
        return this.referrals.reviewFeedback(acting, id, { accept: true, key });
      case "referral.urge":
        return this.referrals.urge(acting, id, key);
      case "extension.approve":
      case "extension.refuse":
        return this.referrals.decideExtension(
          acting,
          id,
          action.action === "extension.approve",
          key,
        );
      default:
        throw unknownAction();
    }
  }
}

const unknownAction = () =>
  new AppError(
    "unknown_action",
    "无法识别的操作，卡片可能已过期，请打开详情页办理。",
  );
