import { decrypt, encrypt, getSignature } from "@wecom/crypto";
import { describe, expect, it } from "vitest";
import { WecomCrypto, WecomCallbackError } from "../../../bots/wecom/crypto.js";
import { parseXml, textOf } from "../../../bots/wecom/xml.js";
import { envelope, OFFICIAL, PUSH, URL_CHECK } from "./vectors.js";

const crypto = new WecomCrypto(OFFICIAL);
const { echostr, plain, ...urlQuery } = URL_CHECK;
const pushQuery = {
  msg_signature: PUSH.msg_signature,
  timestamp: PUSH.timestamp,
  nonce: PUSH.nonce,
};

/** A push signed with the right token, whatever its ciphertext holds. */
function signed(encrypted: string) {
  const query = { timestamp: "1733300000", nonce: "42" };
  return {
    ...query,
    msg_signature: getSignature(
      OFFICIAL.token,
      query.timestamp,
      query.nonce,
      encrypted,
    ),
  };
}

function refusal(run: () => unknown): WecomCallbackError {
  try {
    run();
  } catch (error) {
    if (error instanceof WecomCallbackError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the callback to be refused");
}

describe("the official test vectors", () => {
  it("answers the URL check with the plain echostr", () => {
    expect(crypto.verifyUrl({ ...urlQuery, echostr })).toBe(plain);
  });

  it("opens the official push into its text message", () => {
    const xml = crypto.openPush(pushQuery, envelope(PUSH.encrypt));
    const root = parseXml(xml);

    expect(textOf(root, "FromUserName")).toBe("mycreate");
    expect(textOf(root, "Content")).toBe("hello");
    expect(textOf(root, "MsgId")).toBe("4561255354251345929");
  });

  it("seals the official plaintext into the official ciphertext", () => {
    const inner = decrypt(OFFICIAL.encodingAesKey, PUSH.encrypt).message;
    const reply = crypto.sealReply(inner, {
      timestamp: Number(PUSH.timestamp),
      nonce: PUSH.nonce,
      random: Buffer.from(PUSH.random),
    });
    const root = parseXml(reply);

    expect(textOf(root, "Encrypt")).toBe(PUSH.encrypt);
    expect(textOf(root, "MsgSignature")).toBe(PUSH.msg_signature);
    expect(textOf(root, "TimeStamp")).toBe(PUSH.timestamp);
    expect(textOf(root, "Nonce")).toBe(PUSH.nonce);
  });

  it("seals replies that WeCom's own scheme opens", () => {
    const reply = parseXml(
      crypto.sealReply("<xml>已签收</xml>", { timestamp: 1733300000 }),
    );
    const query = {
      msg_signature: textOf(reply, "MsgSignature"),
      timestamp: textOf(reply, "TimeStamp"),
      nonce: textOf(reply, "Nonce"),
    };

    expect(crypto.open(query, textOf(reply, "Encrypt")!)).toBe(
      "<xml>已签收</xml>",
    );
  });
});

describe("refused callbacks", () => {
  it.each(["msg_signature", "timestamp", "nonce", "echostr"] as const)(
    "refuses a URL check without %s",
    (name) => {
      const query: Record<string, string> = { ...urlQuery, echostr };
      delete query[name];
      const error = refusal(() => crypto.verifyUrl(query));

      expect(error.code).toBe("wecom_missing_param");
      expect(error.status).toBe(400);
      expect(error.hint).toContain(name);
    },
  );

  it("refuses a repeated parameter instead of picking one", () => {
    const query = { ...pushQuery, nonce: [PUSH.nonce, PUSH.nonce] };
    const error = refusal(() => crypto.openPush(query, envelope(PUSH.encrypt)));

    expect(error.code).toBe("wecom_missing_param");
  });

  it("refuses a tampered body by its signature", () => {
    const tampered = "S" + PUSH.encrypt.slice(1);
    const error = refusal(() => crypto.openPush(pushQuery, envelope(tampered)));

    expect(error.code).toBe("wecom_bad_signature");
    expect(error.status).toBe(401);
    expect(error.hint).toContain("WECOM_TOKEN");
  });

  it("refuses a signature that differs in case or length", () => {
    for (const msg_signature of [
      PUSH.msg_signature.toUpperCase(),
      PUSH.msg_signature.slice(0, 39),
      PUSH.msg_signature + "0",
    ]) {
      const query = { ...pushQuery, msg_signature };
      const error = refusal(() =>
        crypto.openPush(query, envelope(PUSH.encrypt)),
      );
      expect(error.code).toBe("wecom_bad_signature");
    }
  });

  it("refuses a different token", () => {
    const other = new WecomCrypto({ ...OFFICIAL, token: "other" });
    const error = refusal(() =>
      other.openPush(pushQuery, envelope(PUSH.encrypt)),
    );

    expect(error.code).toBe("wecom_bad_signature");
  });

  it("refuses a message encrypted for another corp", () => {
    const wrong = encrypt(OFFICIAL.encodingAesKey, "<xml/>", "wwothercorp");
    const error = refusal(() =>
      crypto.openPush(signed(wrong), envelope(wrong)),
    );

    expect(error.code).toBe("wecom_wrong_receiver");
    expect(error.status).toBe(403);
    expect(error.hint).toContain("WECOM_CORP_ID");
    expect(error.hint).toContain("wwothercorp");
  });

  it("refuses a message for the AI bot's empty receiver", () => {
    const wrong = encrypt(OFFICIAL.encodingAesKey, "<xml/>", "");
    const error = refusal(() =>
      crypto.openPush(signed(wrong), envelope(wrong)),
    );

    expect(error.code).toBe("wecom_decrypt_failed");
    expect(error.hint).toContain("AI-bot");
  });

  it("refuses a truncated ciphertext", () => {
    const truncated = PUSH.encrypt.slice(0, 100);
    const error = refusal(() =>
      crypto.openPush(signed(truncated), envelope(truncated)),
    );

    expect(error.code).toBe("wecom_decrypt_failed");
    expect(error.hint).toContain("WECOM_ENCODING_AES_KEY");
  });

  it("refuses a ciphertext too short to hold a length", () => {
    const short = PUSH.encrypt.slice(0, 24);
    const error = refusal(() =>
      crypto.openPush(signed(short), envelope(short)),
    );

    expect(error.code).toBe("wecom_decrypt_failed");
  });

  it("refuses an echostr that was URL-encoded twice", () => {
    const encoded = encodeURIComponent(echostr);
    const error = refusal(() =>
      crypto.verifyUrl({ ...signed(encoded), echostr: encoded }),
    );

    expect(error.code).toBe("wecom_decrypt_failed");
  });

  it("refuses a ciphertext re-signed but not re-encrypted", () => {
    // Flip one byte in the middle block: the signature is recomputed by
    // someone who knows the token, the receiver is garbled.
    const bytes = Buffer.from(PUSH.encrypt, "base64");
    bytes[bytes.length - 40] ^= 0xff;
    const tampered = bytes.toString("base64");
    const error = refusal(() =>
      crypto.openPush(signed(tampered), envelope(tampered)),
    );

    expect(error.code).toBe("wecom_decrypt_failed");
  });

  it("says the key is wrong when a wrong key decrypts into noise", () => {
    const other = new WecomCrypto({
      ...OFFICIAL,
      encodingAesKey: "a".repeat(43),
    });
    const error = refusal(() =>
      other.openPush(pushQuery, envelope(PUSH.encrypt)),
    );

    expect(error.code).toBe("wecom_decrypt_failed");
    expect(error.hint).toContain("WECOM_ENCODING_AES_KEY");
  });

  it.each([
    ["not XML", "Encrypt=abc"],
    ["no Encrypt", "<xml><ToUserName>x</ToUserName></xml>"],
    ["two Encrypts", "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>"],
    ["an empty body", ""],
  ])("refuses a body with %s", (_, body) => {
    const error = refusal(() => crypto.openPush(pushQuery, body));

    expect(error.code).toBe("wecom_bad_envelope");
  });
});

describe("settings", () => {
  it.each(["short", "a".repeat(42), "a".repeat(43) + "=", "!".repeat(43)])(
    "refuses the EncodingAESKey %s",
    (encodingAesKey) => {
      expect(() => new WecomCrypto({ ...OFFICIAL, encodingAesKey })).toThrow(
        /WECOM_ENCODING_AES_KEY/,
      );
    },
  );

  it("refuses an empty token or corp id", () => {
    expect(() => new WecomCrypto({ ...OFFICIAL, token: "" })).toThrow(
      /WECOM_TOKEN/,
    );
    expect(() => new WecomCrypto({ ...OFFICIAL, corpId: "" })).toThrow(
      /WECOM_CORP_ID/,
    );
  });
});
