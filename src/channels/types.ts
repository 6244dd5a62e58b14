/**
 * The channel-neutral model. Workflows speak only these types; each adapter
 * in bots/ turns them into its platform's messages and turns what arrives
 * back into a NeutralAction.
 */
import type { ChannelName } from "../audit.js";

export interface CardField {
  label: string;
  value: string;
}

/** A button either calls back (`action`) or opens a page (`url`). */
export interface CardButton {
  label: string;
  style?: "primary" | "default" | "danger";
  action?: string;
  url?: string;
}

export interface Card {
  /** Stable identity: every copy of a card with this key changes together. */
  key: string;
  title: string;
  fields: CardField[];
  status?: { text: string; tone: "info" | "success" | "warning" | "danger" };
  note?: string;
  buttons: CardButton[];
  /** Where the title leads: the details page. */
  url?: string;
}

export type OutboundMessage =
  | { type: "text"; text: string }
  | { type: "markdown"; title: string; text: string }
  | { type: "card"; card: Card }
  | { type: "card_update"; card: Card }
  /** A file for one person only (exports hold personal data in full). */
  | { type: "file"; token: string; name: string };

export interface Recipient {
  type: "person" | "group";
  id: number;
  /** The platform's id for the person or group. */
  externalId: string;
}

export interface Delivery {
  /** The platform's handle for updating a card later. */
  externalRef?: string;
}

/** What every chat platform adapter offers the outbox. */
export interface Channel {
  readonly name: Exclude<ChannelName, "web" | "job" | "cli">;
  deliver(
    recipient: Recipient,
    message: OutboundMessage,
    previousRef?: string,
  ): Promise<Delivery>;
  /**
   * The same text or markdown to several people in one call, where the
   * platform allows it (at most `batchSize`). Returns the failures by
   * recipient id; a throw fails them all.
   */
  deliverMany?(
    recipients: Recipient[],
    message: OutboundMessage,
  ): Promise<Map<number, unknown>>;
  readonly batchSize?: number;
}

/** A failed delivery, saying whether trying again can help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Not now, and not a failure: the platform's pace for this recipient is
 * used up (WeCom drops the excess silently). The outbox tries again
 * after `retryAfterMs` without counting an attempt.
 */
export class DeliveryDeferred extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** A click or command from any platform, after identity was checked. */
export interface NeutralAction {
  channel: Channel["name"];
  /** Unique per distinct user action; a redelivery repeats it. */
  eventKey: string;
  externalUserId: string;
  cardKey?: string;
  action: string;
  values: Record<string, string>;
}
