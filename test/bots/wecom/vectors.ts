/**
 * The official test vectors from Tencent's WXBizMsgCrypt samples. The
 * POST plaintext is a text message from "mycreate" saying "hello".
 */
export const OFFICIAL = {
  token: "QDG6eK",
  encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  corpId: "wx5823bf96d3bd56c7",
};

export const URL_CHECK = {
  msg_signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
  timestamp: "1409659589",
  nonce: "263014780",
  echostr:
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
  plain: "1616140317555161061",
};

export const PUSH = {
  msg_signature: "477715d11cdb4164915debcba66cb864d751f3e6",
  timestamp: "1409659813",
  nonce: "1372623149",
  encrypt: [
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5",
    "L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qh",
    "xchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLx",
    "AUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s",
    "4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8",
    "V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/u",
    "h9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIG",
    "HBZZIs2pDBS8R07+qN+E7Q==",
  ].join(""),
  random: "0960688932c47ef1",
};

/** The outer envelope WeCom POSTs, shaped like the official sample. */
export function envelope(encrypt: string, corpId = OFFICIAL.corpId): string {
  return [
    "<xml>",
    `  <ToUserName><![CDATA[${corpId}]]></ToUserName>`,
    `  <Encrypt><![CDATA[${encrypt}]]></Encrypt>`,
    "  <AgentID><![CDATA[218]]></AgentID>",
    "</xml>",
  ].join("\n");
}
