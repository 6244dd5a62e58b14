/**
 * Text commands a person sends the bot in any chat platform: 帮助, 待办,
 * 签收 + 文号, 导出, and for reception campaigns 签到, 签退, 今日到岗.
 * Anything else gets a pointer to 帮助.
 */
import type { ChannelName } from "./audit.js";
import type { Attendance, Location } from "./campaigns/attendance.js";
import type { AppContext } from "./context.js";
import { AppError, unknownPerson } from "./errors.js";
import type { ReferralService } from "./referrals/service.js";
import { todoFor } from "./referrals/todo.js";
import { exportToFile } from "./exports/files.js";
import { referralIdByNumber } from "./exports/receipts.js";
import { parseExportRequest } from "./exports/request.js";
import type { Person } from "./units/directory.js";
import { canReport, isHrssStaff } from "./projects/permissions.js";
import { stripInvisible } from "./validation.js";

export interface TextCommand {
  channel: Exclude<ChannelName, "web" | "job" | "cli">;
  externalUserId: string;
  eventKey: string;
  text: string;
}

/** A location a person shared (WeCom sends them; it counts as 签到). */
export interface LocationCommand {
  channel: TextCommand["channel"];
  externalUserId: string;
  eventKey: string;
  location: Location;
}

const HELP = [
  "可用指令：",
  "帮助 —— 显示本说明",
  "待办 —— 列出本单位待签收、待反馈、待审核的移送案件",
  "签收 文号 —— 签收移送案件，如：签收 遂人社移〔2026〕12号",
  "签到 / 签退 —— 集中接访值班人员到岗、离岗时发送（企业微信中也可发送位置签到）",
  "报送项目 —— 新开工项目：行业主管部门报送或上传附件 1，人社部门查看核查和线索",
  "今日到岗 —— 查看今天集中接访的到岗情况（接访点、组织单位、派员单位）",
  "导出 表格 期间或活动 —— 导出官方表格，如：导出 反馈表 2026-10；导出 回执 遂人社移〔2026〕12号；" +
    "导出 考勤表 2026年国庆节集中接访 船山区；导出 接访报告 2026年国庆节集中接访；" +
    "导出 项目表 2026-10（人社部门可加单位，如 市住建局）；导出 报送统计表 2026（文件只发给您本人）",
  "移送通知卡片上的按钮和链接可办理其他事项。",
].join("\n");

export class CommandHandler {
  constructor(
    private readonly ctx: AppContext,
    private readonly referrals: ReferralService,
    private readonly attendance: Attendance,
  ) {}

  /** Returns the reply text. Errors a user caused come back as replies too. */
  async handle(command: TextCommand): Promise<string> {
    const person = await this.ctx.directory.personByBinding(
      command.channel,
      command.externalUserId,
    );
    if (!person) {
      return unknownPerson().userMessage;
    }
    const text = stripInvisible(command.text).trim().replace(/\s+/g, " ");
    try {
      if (
        text === "帮助" ||
        text === "?" ||
        text === "？" ||
        /^help$/i.test(text)
      ) {
        return HELP;
      }
      if (text === "待办") {
        return this.todo(person);
      }
      const acting = { person, channel: command.channel };
      if (/^签到[。.!！]?$/.test(text)) {
        return (await this.attendance.checkIn(acting, command.eventKey))
          .message;
      }
      if (/^签退[。.!！]?$/.test(text)) {
        return (await this.attendance.checkOut(acting, command.eventKey))
          .message;
      }
      if (/^(报送项目|新开工项目|项目)$/.test(text)) {
        return this.projects(person);
      }
      if (/^(今日|今天)?到岗(情况)?$/.test(text)) {
        return await this.attendance.roll(person);
      }
      if (/^导出(\s|$)/.test(text)) {
        return await this.exportTable(person, command, text);
      }
      if (text === "签收") {
        return "请在“签收”后写上文号，如：签收 遂人社移〔2026〕12号";
      }
      const sign = /^签收\s*(.+)$/.exec(text);
      if (sign) {
        const id = await referralIdByNumber(this.ctx, sign[1]);
        return (
          await this.referrals.sign(acting, id, undefined, command.eventKey)
        ).message;
      }
      return text
        ? `没有听懂“${[...text].slice(0, 20).join("")}”。发送“帮助”查看可用指令。`
        : "没有收到文字内容。发送“帮助”查看可用指令。";
    } catch (error) {
      if (error instanceof AppError) {
        return error.userMessage;
      }
      throw error;
    }
  }

  /** Where each side of the new-project loop does its part. */
  private projects(person: Person): string {
    const { links } = this.ctx;
    const lines: string[] = [];
    if (canReport(person)) {
      lines.push(
        "新开工项目应在开工后 5 个工作日内报送：",
        `逐个填报：${links.projectReport()}`,
        `上传附件 1（Excel，可一次报送多个）：${links.projectUpload()}`,
      );
    }
    if (isHrssStaff(person)) {
      lines.push(
        "待核查项目、整改、线索和漏报统计：",
        `${links.projectList()}`,
        `记录其他渠道发现的项目（线索）：${links.projectClueForm()}`,
      );
    }
    return lines.length > 0
      ? lines.join("\n")
      : "新开工项目由行业主管部门的联络员、负责人报送，人力资源社会保障部门核查。" +
          `本单位报送的项目可在此查看：${links.projectList()}`;
  }

  /** A shared location checks a duty officer in, or is kept with it. */
  async handleLocation(command: LocationCommand): Promise<string> {
    const person = await this.ctx.directory.personByBinding(
      command.channel,
      command.externalUserId,
    );
    if (!person) {
      return unknownPerson().userMessage;
    }
    try {
      const acting = { person, channel: command.channel };
      return (
        await this.attendance.shareLocation(
          acting,
          command.eventKey,
          command.location,
        )
      ).message;
    } catch (error) {
      if (error instanceof AppError) {
        return error.userMessage;
      }
      throw error;
    }
  }

  /** The table goes to the person alone, as a file; the answer says so. */
  private async exportTable(
    person: Person,
    command: TextCommand,
    text: string,
  ): Promise<string> {
    const request = parseExportRequest(text);
    const file = await exportToFile(this.ctx, person, command.channel, request);
    const now = this.ctx.clock.now();
    await this.ctx.store.tx((q) =>
      this.ctx.outbox.enqueue(
        q,
        {
          dedupeKey: `export:${command.channel}:${command.eventKey}`,
          target: { type: "person", id: person.id },
          body: { type: "file", token: file.token, name: file.fileName },
          notBefore: now,
        },
        now,
      ),
    );
    return (
      `已导出《${file.fileName.replace(/\.xlsx$/, "")}》，共 ${file.rows} 条，` +
      "文件单独发给您（保留一天）。"
    );
  }

  private async todo(person: Parameters<typeof todoFor>[1]): Promise<string> {
    const items = await todoFor(this.ctx, person);
    if (items.length === 0) {
      return `${person.unit.shortName}目前没有待办的移送案件。`;
    }
    const lines = items.map(
      (i, n) =>
        `${n + 1}. ${i.number} ${i.caseName}：${i.task}` +
        (i.deadline ? `（${i.deadline}）` : ""),
    );
    return [
      `${person.unit.shortName}待办（${items.length} 件）：`,
      ...lines,
    ].join("\n");
  }

  /** Finds a referral by its number, forgiving the bracket style typed. */
}
