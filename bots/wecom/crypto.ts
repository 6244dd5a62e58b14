/**
 * Verifies and opens WeCom callbacks, and seals passive replies. The
 * AES and SHA-1 work is @wecom/crypto's; what it leaves to its caller is
 * done here: presence checks, a constant-time signature comparison, and
 * the check that the message was meant for our corp (the receiveid).
 */
import { randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { decrypt, encrypt, getSignature } from "@wecom/crypto";
import { AppError } from "../../src/errors.js";
import { cdata, parseXml, textOf, XmlError } from "./xml.js";

export interface WecomSecrets {
  token: string;
  encodingAesKey: string;
  corpId: string;
}

/** The query WeCom adds to our callback URL. */
export interface CallbackQuery {
  msg_signature?: unknown;
  timestamp?: unknown;
  nonce?: unknown;
  echostr?: unknown;
}

export type CallbackErrorCode =
  | "wecom_missing_param"
  | "wecom_bad_signature"
  | "wecom_decrypt_failed"
  | "wecom_wrong_receiver"
  | "wecom_bad_envelope"
  | "wecom_bad_event";

/**
 * A refused callback. `hint` is for the operator's log and names the
 * setting to check; WeCom itself only sees the status.
 */
export class WecomCallbackError extends AppError {
  constructor(
    code: CallbackErrorCode,
    readonly hint: string,
    status = 400,
  ) {
    super(code, "企业微信回调校验未通过。", status);
  }
}

/** The console generates 43 letters and digits; base64 of 32 bytes. */
export const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

export class WecomCrypto {
  constructor(private readonly secrets: WecomSecrets) {
    if (!ENCODING_AES_KEY.test(secrets.encodingAesKey)) {
      throw new Error(
        "WECOM_ENCODING_AES_KEY must be the 43 letters and digits " +
          "shown in the WeCom admin console",
      );
    }
    if (!secrets.token || !secrets.corpId) {
      throw new Error("WECOM_TOKEN and WECOM_CORP_ID must not be empty");
    }
  }

  /** URL verification (GET): the echostr in plain text, to answer as is. */
  verifyUrl(query: CallbackQuery): string {
    return this.open(query, param(query, "echostr"));
  }

  /** A push (POST): the decrypted inner XML. */
  openPush(query: CallbackQuery, body: string): string {
    let encrypted: string | undefined;
    try {
      encrypted = textOf(parseXml(body), "Encrypt");
    } catch (error) {
      if (!(error instanceof XmlError)) {
        throw error;
      }
    }
    if (!encrypted) {
      throw new WecomCallbackError(
        "wecom_bad_envelope",
        "the callback body is not WeCom's <xml><Encrypt> envelope; " +
          "check that a proxy does not rewrite POST bodies",
      );
    }
    return this.open(query, encrypted);
  }

  /** Checks the signature over `encrypted`, decrypts, checks the receiver. */
  open(query: CallbackQuery, encrypted: string): string {
    const signature = param(query, "msg_signature");
    const timestamp = param(query, "timestamp");
    const nonce = param(query, "nonce");

    const expected = getSignature(
      this.secrets.token,
      timestamp,
      nonce,
      encrypted,
    );
    if (!sameText(signature, expected)) {
      throw new WecomCallbackError(
        "wecom_bad_signature",
        "msg_signature does not match; check WECOM_TOKEN against the " +
          "app's 接收消息 settings",
        401,
      );
    }

    const { message, id } = this.decrypt(encrypted);
    if (id !== this.secrets.corpId) {
      throw misread(id);
    }
    return message;
  }

  /**
   * The encrypted envelope of a passive reply. WeCom checks its signature
   * exactly like ours, with the reply's own timestamp and nonce.
   */
  sealReply(
    innerXml: string,
    options: { timestamp: number; nonce?: string; random?: Buffer },
  ): string {
    const nonce = options.nonce ?? String(randomInt(1e9, 1e10));
    const timestamp = String(options.timestamp);
    const sealed = encrypt(
      this.secrets.encodingAesKey,
      innerXml,
      this.secrets.corpId,
      options.random ?? randomBytes(16),
    );
    const signature = getSignature(
      this.secrets.token,
      timestamp,
      nonce,
      sealed,
    );
    return (
      `<xml><Encrypt>${cdata(sealed)}</Encrypt>` +
      `<MsgSignature>${cdata(signature)}</MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp>` +
      `<Nonce>${cdata(nonce)}</Nonce></xml>`
    );
  }

  private decrypt(encrypted: string): { message: string; id: string } {
    try {
      return decrypt(this.secrets.encodingAesKey, encrypted);
    } catch {
      // Truncated or URL-encoded base64, or a buffer too short to hold
      // the length field: the library throws for these.
      throw new WecomCallbackError(
        "wecom_decrypt_failed",
        "the ciphertext cannot be decrypted; check WECOM_ENCODING_AES_KEY " +
          "and that the body reaches us unchanged",
      );
    }
  }
}

function param(query: CallbackQuery, name: keyof CallbackQuery): string {
  const value = query[name];
  if (typeof value !== "string" || value === "") {
    throw new WecomCallbackError(
      "wecom_missing_param",
      `the callback has no ${name}; WeCom always sends it, so check ` +
        "the callback URL and any proxy in front of it",
    );
  }
  return value;
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // The length of a SHA-1 hex digest is no secret; the bytes are.
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A wrong key decrypts without an error into noise, which leaves no
 * readable receiveid; a readable but different one means another corp.
 */
function misread(id: string): WecomCallbackError {
  if (!/^[\w@.-]{1,64}$/.test(id)) {
    return new WecomCallbackError(
      "wecom_decrypt_failed",
      "decryption gave no readable receiver; check WECOM_ENCODING_AES_KEY " +
        "(an AI-bot callback, which has none, does not belong here)",
    );
  }
  return new WecomCallbackError(
    "wecom_wrong_receiver",
    `the message was encrypted for "${id}"; check WECOM_CORP_ID`,
    403,
  );
}
