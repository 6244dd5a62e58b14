/**
 * The campaign's tables with hostile text in every field a user types,
 * on both engines: a campaign named like a formula, officers named "+1"
 * and "@SUM(A1)", a remark "-2+3", a daily report "=1+1", a name with
 * the characters no file name may hold. Every cell stays plain text and
 * the file name stays a file name.
 */
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";
import { exported } from "../exports/support.js";
import { nationalDayInput } from "./support.js";

const FORMULA_NAME = '=HYPERLINK("http://127.0.0.1/x","点我")';
/** As stored: the form trims the leading tab of the last one. */
const HOSTILE = [
  FORMULA_NAME,
  "+1",
  "@SUM(A1)",
  "-2+3",
  "=1+1",
  "=cmd|' /C calc'!A0",
];

describe.each(engines())("campaign exports under attack on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = clockAt("2026-09-25T10:00");
    bot = await openBot(engine, clock);
  });
  afterEach(() => engine.release());

  /** A campaign named `name` with hostile officers, remarks and reports. */
  async function hostileCampaign(name: string) {
    const wang = await demo(bot, "王建国");
    const { campaignId } = await bot.campaigns.create(
      wang,
      await nationalDayInput(bot, { name }),
    );
    await bot.campaigns.nominate(await demo(bot, "赵磊"), campaignId, {
      officers: [
        {
          name: "+1",
          title: "@SUM(A1)",
          phone: "13900001111",
          dates: ["2026-10-01", "2026-10-02"],
        },
      ],
    });
    await bot.campaigns.nominate(await demo(bot, "张伟"), campaignId, {
      officers: [
        {
          name: "=1+1",
          title: "\t=cmd|' /C calc'!A0",
          phone: "13900001112",
          dates: ["2026-10-01"],
        },
      ],
    });
    const { dutyShifts, campaignSites } = bot.ctx.store.t;
    const shifts = await bot.ctx.store.db.select().from(dutyShifts);
    const sites = await bot.ctx.store.db.select().from(campaignSites);
    clock.set(at("2026-10-01T17:30"));
    const ma = await demo(bot, "马晓林");
    await bot.campaigns.recordAttendance(ma, shifts[0].id, {
      checkedIn: "08:55",
      remarks: "-2+3",
    });
    for (const site of sites) {
      await bot.campaigns.submitDispatch(
        wang,
        campaignId,
        site.id,
        "2026-10-01",
        {
          visits: "1",
          visitors: "1",
          cases: "0",
          amount: "0",
          incidents: "0",
          remarks: "=1+1",
        },
      );
    }
    clock.set(at("2026-10-05T09:00"));
    return campaignId;
  }

  /** Every cell's value and type, and any formula, across the workbook. */
  function cells(book: ExcelJS.Workbook) {
    const all: { value: unknown; type: ExcelJS.ValueType; formula?: string }[] =
      [];
    book.eachSheet((sheet) => {
      sheet.eachRow((row) => {
        row.eachCell((cell) => {
          all.push({
            value: cell.value,
            type: cell.type,
            formula: cell.formula,
          });
        });
      });
    });
    return all;
  }

  function assertPlain(book: ExcelJS.Workbook) {
    const all = cells(book);
    const formulas = all.filter(
      (c) =>
        c.type === ExcelJS.ValueType.Formula ||
        c.type === ExcelJS.ValueType.SharedString,
    );
    // The only formulas a sheet may hold are the totals the code writes.
    for (const f of formulas) {
      expect(String(f.formula ?? "")).toMatch(/^(SUM\(|$)/);
    }
    for (const c of all) {
      if (
        typeof c.value === "object" &&
        c.value !== null &&
        "hyperlink" in c.value
      ) {
        throw new Error(`a hyperlink cell: ${JSON.stringify(c.value)}`);
      }
    }
    return all;
  }

  const text = (all: { value: unknown }[]) =>
    all.map((c) => (typeof c.value === "string" ? c.value : "")).join("\n");

  it("keeps formula-like names, titles and remarks as text on attachment 6", async () => {
    const id = await hostileCampaign(FORMULA_NAME);
    const wang = await demo(bot, "王建国");

    const { result, book } = await exported(bot, wang, {
      table: "考勤表",
      campaignId: id,
    });

    const all = assertPlain(book);
    const written = text(all);
    for (const s of HOSTILE.slice(1)) {
      expect(written).toContain(s);
    }
    expect(written).toContain(`活动：${FORMULA_NAME}`);
    const officer = all.find((c) => c.value === "+1");
    expect(officer?.type).toBe(ExcelJS.ValueType.String);
    expect(result.fileName).not.toMatch(/[\\/:*?"<>|\r\n\t]/);
    expect(result.fileName.endsWith(".xlsx")).toBe(true);
  });

  it("keeps a formula-like daily report remark as text on the campaign report", async () => {
    const id = await hostileCampaign(FORMULA_NAME);
    const wang = await demo(bot, "王建国");

    const { result, book } = await exported(bot, wang, {
      table: "接访报告",
      campaignId: id,
    });

    const all = assertPlain(book);
    const plain = all.filter((c) => c.value === "=1+1");
    expect(plain.length).toBeGreaterThan(0);
    for (const c of plain) {
      expect(c.type).toBe(ExcelJS.ValueType.String);
    }
    expect(result.fileName).not.toMatch(/[\\/:*?"<>|\r\n\t]/);
  });

  it("makes a file name out of a name full of path and header characters", async () => {
    const name = '../..\\etc/passwd: "x" <y> |*? 接访';
    const id = await hostileCampaign(name);
    const wang = await demo(bot, "王建国");

    const { result, book } = await exported(bot, wang, {
      table: "考勤表",
      campaignId: id,
    });

    expect(result.fileName).not.toMatch(/[\\/:*?"<>|\r\n\t]/);
    expect(result.fileName).toContain("接访");
    expect(text(cells(book))).toContain(`活动：${name}`);
  });

  it("exports a campaign whose name is 100 characters long", async () => {
    const name = "长".repeat(100);
    const id = await hostileCampaign(name);
    const wang = await demo(bot, "王建国");

    const { result, book } = await exported(bot, wang, {
      table: "接访报告",
      campaignId: id,
    });

    expect(result.rows).toBeGreaterThan(0);
    expect(text(cells(book))).toContain(name);
    expect(result.fileName).toContain(name);
  });

  it("finds a formula-named campaign typed in chat, as text", async () => {
    await hostileCampaign(FORMULA_NAME);
    const ma = await demo(bot, "马晓林");

    const { result, book } = await exported(bot, ma, {
      table: "考勤表",
      campaign: FORMULA_NAME,
    });

    expect(result.table).toBe("attendance");
    assertPlain(book);
  });
});
