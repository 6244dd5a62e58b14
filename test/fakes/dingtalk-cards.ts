/**
 * The card half of the fake DingTalk (dingtalk.md section 4): interactive
 * card instances with public data, per-user private data and the spaces
 * they were delivered to. Checks what the real server checks and answers
 * with its error codes; the server wraps them in HTTP 400.
 */
import { randomBytes } from "node:crypto";

export type Json = Record<string, unknown>;
type ParamMap = Record<string, string>;

export interface CardInstance {
  outTrackId: string;
  templateId: string;
  callbackType: string;
  publicData: ParamMap;
  privateData: Map<string, ParamMap>;
  spaces: DeliverResult[];
}

export interface DeliverResult {
  spaceType: string;
  spaceId: string;
  success: boolean;
  carrierId: string;
  errorMsg: string;
}

export interface UpdateOptions {
  updateCardDataByKey?: boolean;
  updatePrivateDataByKey?: boolean;
}

/** Who exists on the fake's side, for delivery results. */
export interface Directory {
  robotCode: string;
  templates: ReadonlySet<string>;
  hasUser(userId: string): boolean;
  robotInGroup(openConversationId: string): boolean;
}

/** A refusal: the error code and its message. */
export class CardRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const PREFIX = "dtv1.card//";
const SPACE_TYPES = new Set(["IM_GROUP", "IM_ROBOT", "IM_SINGLE", "ONE_BOX"]);
const KEY_BYTES = 100;
const VALUE_BYTES = 1024;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function refuse(code: string, message: string): never {
  throw new CardRefusal(code, message);
}

export class CardStore {
  private readonly cards = new Map<string, CardInstance>();

  constructor(private readonly dir: Directory) {}

  get(outTrackId: string): CardInstance | undefined {
    return this.cards.get(outTrackId);
  }

  /** `POST /v1.0/card/instances/createAndDeliver`. */
  createAndDeliver(body: Json): Json {
    const templateId = text(body.cardTemplateId);
    const outTrackId = text(body.outTrackId);
    if (!templateId) {
      refuse("param.cardTemplateIdEmpty", "cardTemplateId 不能为空");
    }
    if (!outTrackId) {
      refuse("param.outTrackIdEmpty", "outTrackId 不能为空");
    }
    if (!text(body.openSpaceId)) {
      refuse("param.openSpaceIdEmpty", "openSpaceId 不能为空");
    }
    if (!isObject(body.cardData)) {
      refuse("param.cardPublicDataEmpty", "cardData 不能为空");
    }
    const spaces = parseSpaces(text(body.openSpaceId));
    checkCallback(body);
    checkUserIdType(body.userIdType);
    const publicData = paramMap(body.cardData, "cardData");
    const privateData = privateMaps(body.privateData);
    this.checkDeliverModels(body, spaces);
    if (!this.dir.templates.has(templateId)) {
      refuse("param.templateNotExist", "卡片模板不存在");
    }
    if (this.cards.has(outTrackId)) {
      refuse("param.cardAlreadyExist", "卡片已存在");
    }

    const card: CardInstance = {
      outTrackId,
      templateId,
      callbackType: text(body.callbackType),
      publicData,
      privateData,
      spaces: spaces.map((s) => this.deliver(s.spaceType, s.spaceId)),
    };
    this.cards.set(outTrackId, card);
    return {
      success: true,
      result: { outTrackId, deliverResults: card.spaces },
    };
  }

  /**
   * `POST /v1.0/card/instances`: the first of the two-step variant
   * (dingtalk.md 4.3), a card with no space yet.
   */
  create(body: Json): Json {
    const templateId = text(body.cardTemplateId);
    const outTrackId = text(body.outTrackId);
    if (!templateId) {
      refuse("param.cardTemplateIdEmpty", "cardTemplateId 不能为空");
    }
    if (!outTrackId) {
      refuse("param.outTrackIdEmpty", "outTrackId 不能为空");
    }
    if (!isObject(body.cardData)) {
      refuse("param.cardPublicDataEmpty", "cardData 不能为空");
    }
    checkCallback(body);
    const publicData = paramMap(body.cardData, "cardData");
    if (!this.dir.templates.has(templateId)) {
      refuse("param.templateNotExist", "卡片模板不存在");
    }
    if (this.cards.has(outTrackId)) {
      refuse("param.cardAlreadyExist", "卡片已存在");
    }
    this.cards.set(outTrackId, {
      outTrackId,
      templateId,
      callbackType: text(body.callbackType),
      publicData,
      privateData: new Map(),
      spaces: [],
    });
    return { success: true, result: outTrackId };
  }

  /** `PUT /v1.0/card/instances`. */
  update(body: Json): Json {
    const outTrackId = text(body.outTrackId);
    if (!outTrackId) {
      refuse("param.outTrackIdEmpty", "outTrackId 不能为空");
    }
    if (body.cardData === undefined && body.privateData === undefined) {
      refuse(
        "param.cardDataAndPrivateDataBothEmpty",
        "cardData 和 privateData 不能同时为空",
      );
    }
    checkUserIdType(body.userIdType);
    const card = this.cards.get(outTrackId);
    if (!card) {
      refuse("param.cardNotExist", "卡片不存在");
    }
    const options = isObject(body.cardUpdateOptions)
      ? (body.cardUpdateOptions as UpdateOptions)
      : {};
    const publicData =
      body.cardData === undefined
        ? undefined
        : paramMap(body.cardData, "cardData");
    const privateData = privateMaps(body.privateData);

    if (publicData) {
      card.publicData = merge(
        card.publicData,
        publicData,
        options.updateCardDataByKey,
      );
    }
    for (const [userId, map] of privateData) {
      const before = card.privateData.get(userId) ?? {};
      card.privateData.set(
        userId,
        merge(before, map, options.updatePrivateDataByKey),
      );
    }
    return { success: true, result: true };
  }

  /**
   * A Stream callback response, applied like a PUT for the clicking
   * user: `userPrivateData` is that user's, not keyed by user id.
   * Returns false when the response is not a valid update.
   */
  applyCallbackResponse(
    outTrackId: string,
    userId: string,
    response: unknown,
  ): boolean {
    const card = this.cards.get(outTrackId);
    if (!card || !isObject(response)) {
      return false;
    }
    try {
      const options = isObject(response.cardUpdateOptions)
        ? (response.cardUpdateOptions as UpdateOptions)
        : {};
      if (response.cardData !== undefined) {
        const map = paramMap(response.cardData, "cardData");
        card.publicData = merge(
          card.publicData,
          map,
          options.updateCardDataByKey,
        );
      }
      if (response.userPrivateData !== undefined) {
        const map = paramMap(response.userPrivateData, "userPrivateData");
        const before = card.privateData.get(userId) ?? {};
        card.privateData.set(
          userId,
          merge(before, map, options.updatePrivateDataByKey),
        );
      }
      return true;
    } catch (error) {
      if (error instanceof CardRefusal) {
        return false;
      }
      throw error;
    }
  }

  private checkDeliverModels(body: Json, spaces: Space[]): void {
    const types = new Set(spaces.map((s) => s.spaceType));
    for (const name of [
      "imGroupOpenSpaceModel",
      "imRobotOpenSpaceModel",
      "imSingleOpenSpaceModel",
    ]) {
      const model = body[name];
      if (model !== undefined) {
        if (!isObject(model) || typeof model.supportForward !== "boolean") {
          refuse("param.openSpaceModelInvalid", `${name}.supportForward 必填`);
        }
      }
    }
    if (types.has("IM_GROUP")) {
      this.checkRobotCode(body.imGroupOpenDeliverModel);
    }
    if (types.has("IM_ROBOT")) {
      const model = body.imRobotOpenDeliverModel;
      this.checkRobotCode(model);
      if ((model as Json).spaceType !== "IM_ROBOT") {
        refuse("param.openDeliverModelError", "spaceType 应为 IM_ROBOT");
      }
    }
  }

  private checkRobotCode(model: unknown): void {
    if (!isObject(model)) {
      refuse("param.openDeliverModelEmpty", "投放参数不能为空");
    }
    if (model.robotCode !== this.dir.robotCode) {
      refuse("param.openDeliverModelError", "robotCode 不正确");
    }
  }

  private deliver(spaceType: string, spaceId: string): DeliverResult {
    let errorMsg = "";
    if (spaceType === "IM_ROBOT" && !this.dir.hasUser(spaceId)) {
      errorMsg = "用户不存在或不在应用可见范围内";
    } else if (spaceType === "IM_GROUP" && !this.dir.robotInGroup(spaceId)) {
      errorMsg = "群不存在或机器人不在群内";
    } else if (spaceType !== "IM_ROBOT" && spaceType !== "IM_GROUP") {
      errorMsg = "该场域不受模拟器支持";
    }
    return {
      spaceType,
      spaceId,
      success: errorMsg === "",
      carrierId: errorMsg ? "" : randomBytes(24).toString("base64"),
      errorMsg,
    };
  }
}

interface Space {
  spaceType: string;
  spaceId: string;
}

/**
 * `dtv1.card//IM_GROUP.cid…==;IM_ROBOT.user1`: one prefix, then spaces
 * joined by ";". Only upper-case types are accepted; the lower-case
 * forms in some doc examples are unverified.
 */
function parseSpaces(openSpaceId: string): Space[] {
  if (!openSpaceId.startsWith(PREFIX)) {
    refuse("param.openSpaceIdInvalid", "openSpaceId 格式不正确");
  }
  const spaces = openSpaceId
    .slice(PREFIX.length)
    .split(";")
    .map((part) => {
      const dot = part.indexOf(".");
      const spaceType = dot > 0 ? part.slice(0, dot) : "";
      const spaceId = dot > 0 ? part.slice(dot + 1) : "";
      if (!SPACE_TYPES.has(spaceType) || spaceId === "") {
        refuse("param.openSpaceIdInvalid", `openSpaceId 格式不正确：${part}`);
      }
      return { spaceType, spaceId };
    });
  return spaces;
}

function checkCallback(body: Json): void {
  const type = body.callbackType;
  if (type === undefined) {
    return;
  }
  if (type !== "STREAM" && type !== "HTTP") {
    refuse("param.invalid", "callbackType 只能是 STREAM 或 HTTP");
  }
  if (type === "HTTP" && !text(body.callbackRouteKey)) {
    refuse("param.invalid", "HTTP 回调需要 callbackRouteKey");
  }
}

function checkUserIdType(value: unknown): void {
  if (value !== undefined && value !== 1 && value !== 2) {
    refuse("param.invalid", "userIdType 只能是 1 或 2");
  }
}

/** `{cardParamMap: {…}}` with string values only, within the byte limits. */
function paramMap(holder: unknown, field: string): ParamMap {
  const map = isObject(holder) ? holder.cardParamMap : undefined;
  if (!isObject(map)) {
    refuse("param.invalid", `${field}.cardParamMap 必须是对象`);
  }
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== "string") {
      refuse("param.invalid", `${field}.cardParamMap.${key} 必须是字符串`);
    }
    if (bytes(key) > KEY_BYTES || bytes(value) > VALUE_BYTES) {
      refuse("param.invalid", `${field}.cardParamMap.${key} 超出长度限制`);
    }
  }
  return { ...(map as ParamMap) };
}

function privateMaps(value: unknown): Map<string, ParamMap> {
  const maps = new Map<string, ParamMap>();
  if (value === undefined) {
    return maps;
  }
  if (!isObject(value)) {
    refuse("param.invalid", "privateData 必须是对象");
  }
  for (const [userId, holder] of Object.entries(value)) {
    maps.set(userId, paramMap(holder, `privateData.${userId}`));
  }
  return maps;
}

/** DingTalk's default is overwrite: only `true` merges by key. */
function merge(
  before: ParamMap,
  incoming: ParamMap,
  byKey: boolean | undefined,
): ParamMap {
  return byKey === true ? { ...before, ...incoming } : { ...incoming };
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
