import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  backpressure,
  excelDate,
  linesIn,
  streamingWorkbook,
  textWidth,
} from "../../src/exports/layout.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms, "waiting"));

describe("sheet layout helpers", () => {
  it("holds a sheet's writer back while nobody reads the file", async () => {
    const out = new PassThrough();
    const book = streamingWorkbook(out);
    const sheet = book.addWorksheet("表");
    const settle = backpressure(book, sheet, out);
    for (let i = 1; i <= 3000; i++) {
      const row = sheet.getRow(i);
      // Random text, so that compression cannot make it small.
      row.getCell(1).value = randomBytes(600).toString("base64");
      row.commit();
    }
    const waited = settle().then(() => "settled");
    expect(await Promise.race([waited, tick(200)])).toBe("waiting");

    out.resume();
    expect(await waited).toBe("settled");
    sheet.commit();
    await book.commit();
  });

  it("stops waiting with an error when the file is closed", async () => {
    const out = new PassThrough();
    const book = streamingWorkbook(out);
    const sheet = book.addWorksheet("表");
    for (let i = 1; i <= 3000; i++) {
      sheet.getRow(i).getCell(1).value = "欠薪".repeat(400);
      sheet.getRow(i).commit();
    }
    out.destroy();
    await expect(backpressure(book, sheet, out)()).rejects.toThrow("closed");
  });

  it("measures Chinese text as two digits wide", () => {
    expect(textWidth("投诉人数")).toBe(8);
    expect(textWidth("2026-10-09")).toBe(10);
    expect(textWidth("对违法行为行政处（理）罚情况")).toBe(28);
    expect(linesIn("对违法行为行政处（理）罚情况", 16)).toBe(2);
    expect(linesIn("甲\n乙", 10)).toBe(2);
  });

  it("gives a date's day whatever the time zone", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("a").getCell("A1").value = excelDate("2026-10-09");
    const again = new ExcelJS.Workbook();
    await again.xlsx.load((await book.xlsx.writeBuffer()) as never);
    const value = again.worksheets[0].getCell("A1").value as Date;
    expect(value.toISOString()).toBe("2026-10-09T00:00:00.000Z");
  });
});
