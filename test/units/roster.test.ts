/**
 * The people roster: reading Excel's CSV, checking every line, and making
 * the non-demo people match the file on both engines.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { asc, eq } from "drizzle-orm";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from "vitest";
import { openStore, type Store } from "../../db/index.js";
import { systemActor } from "../../src/audit.js";
import { Directory } from "../../src/units/directory.js";
import {
  loadRoster,
  parseRoster,
  RosterError,
  rosterTemplate,
} from "../../src/units/roster.js";
import { loadDemoPeople, loadUnits } from "../../src/units/seed.js";
import { engines } from "../helpers/db.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const UNITS = join(ROOT, "db/seed/suining.json");
const DEMO = join(ROOT, "db/seed/demo-people.json");
const EXAMPLE = join(ROOT, "db/seed/people-example.csv");
const HEADER = "姓名,单位代码,职务,手机,角色,企业微信账号,钉钉账号";
const NOW = Date.UTC(2026, 9, 12, 2);
const options = { actor: systemActor("cli"), now: NOW };
const FULL_PHONE = /1[3-9]\d{9}/;

/** A roster: the header, then one line per argument. */
const csv = (...lines: string[]) => [HEADER, ...lines].join("\n") + "\n";

/** A line with sensible defaults; override a column by its English name. */
function line(fields: {
  name?: string;
  unit?: string;
  title?: string;
  phone?: string;
  roles?: string;
  wecom?: string;
  dingtalk?: string;
}): string {
  const f = {
    name: "张晓明",
    unit: "city.hrss",
    title: "科员",
    phone: "13800000101",
    roles: "联络员",
    wecom: "",
    dingtalk: "",
    ...fields,
  };
  return [f.name, f.unit, f.title, f.phone, f.roles, f.wecom, f.dingtalk].join(
    ",",
  );
}

const codes = (input: string | Uint8Array) =>
  parseRoster(input).issues.map((i) => i.code);

describe("reading a roster file", () => {
  it("reads Excel's CSV UTF-8: byte order mark and CRLF", () => {
    const text = `\uFEFF${HEADER}\r\n${line({})}\r\n`;
    const parsed = parseRoster(new TextEncoder().encode(text));

    expect(parsed.issues).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        name: "张晓明",
        unitCode: "city.hrss",
        title: "科员",
        phone: "13800000101",
        roles: ["liaison"],
        accounts: { wecom: null, dingtalk: null },
      },
    ]);
  });

  it("reads quoted cells with commas, doubled quotes and line breaks", () => {
    const text = csv(
      '"李文静","city.hrss","科长,兼""劳资专管员""",13800000101,"联络员,经办人",,',
      '"王\n芳",city.hrss,,13800000102,分管领导,,',
      line({ phone: "12345" }),
    );
    const parsed = parseRoster(text);

    expect(parsed.rows[0]).toMatchObject({
      name: "李文静",
      title: '科长,兼"劳资专管员"',
      roles: ["caseworker", "liaison"],
    });
    // A line break inside a cell is a space, and keeps Excel's numbering.
    expect(parsed.rows[1]).toMatchObject({
      line: 3,
      name: "王 芳",
      title: null,
    });
    expect(parsed.issues.map((i) => i.message)).toEqual([
      "第 4 行 手机：应为 11 位手机号码，如 13800000000。",
    ]);
  });

  it("takes the columns in any order and skips blank lines", () => {
    const text = [
      "钉钉账号,角色,手机,姓名,职务,单位代码,企业微信账号",
      "",
      "dt-1,分管领导,13800000101,张晓明,,anju.hrss,Zhang.X@corp",
      ",,,,,,",
    ].join("\r\n");
    const parsed = parseRoster(text);

    expect(parsed.issues).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        line: 3,
        name: "张晓明",
        unitCode: "anju.hrss",
        title: null,
        phone: "13800000101",
        roles: ["leader"],
        accounts: { wecom: "Zhang.X@corp", dingtalk: "dt-1" },
      },
    ]);
  });

  it("accepts a phone written with spaces, dashes or +86", () => {
    const rows = parseRoster(
      csv(
        line({ phone: "138 0000 0101" }),
        line({ phone: "+86 138-0000-0102" }),
      ),
    ).rows;
    expect(rows.map((r) => r.phone)).toEqual(["13800000101", "13800000102"]);
  });

  it("splits roles on 、 ， ; and spaces, each role once", () => {
    const rows = parseRoster(
      csv(line({ roles: "联络员、经办人；管理员 分管领导，联络员" })),
    ).rows;
    expect(rows[0].roles).toEqual(["admin", "caseworker", "leader", "liaison"]);
  });

  it("drops characters nobody can see", () => {
    const rows = parseRoster(csv(line({ name: "张\u200B晓明\u202E" }))).rows;
    expect(rows[0].name).toBe("张晓明");
  });

  it("asks for the header when the first line is a person", () => {
    const parsed = parseRoster(
      `${line({})}\n${line({ phone: "13800000102" })}\n`,
    );

    expect(parsed.rows).toEqual([]);
    expect(parsed.issues).toHaveLength(1);
    expect(parsed.issues[0]).toMatchObject({
      line: 1,
      column: "表头",
      code: "header_missing",
    });
    expect(parsed.issues[0].message).toMatch(/^第 1 行 表头：第一行应为表头/);
  });

  it("names unknown, missing and repeated columns", () => {
    const extra = parseRoster(`${HEADER},备注\n${line({})},调入\n`).issues;
    expect(extra).toEqual([
      {
        line: 1,
        column: "表头",
        code: "column_unknown",
        message: expect.stringMatching(/^第 1 行 表头：不认识的列“备注”/),
      },
    ]);

    const missing = parseRoster("姓名,单位代码,职务,手机,角色,姓名\n").issues;
    expect(missing.map((i) => i.code)).toEqual([
      "column_duplicate",
      "column_missing",
    ]);
    expect(missing[1].message).toBe(
      "第 1 行 表头：缺少列“企业微信账号”、“钉钉账号”。",
    );
  });

  it("tells a file saved with semicolons from one without a header", () => {
    expect(codes(`${HEADER.replaceAll(",", ";")}\n`)).toEqual([
      "header_separator",
    ]);
  });

  it("refuses a file that is not UTF-8, such as Excel's plain CSV", () => {
    // "姓名,单位代码" in GBK.
    const gbk = Uint8Array.from([
      0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xb5, 0xa5, 0xce, 0xbb, 0xb4, 0xfa, 0xc2,
      0xeb, 0x0a,
    ]);
    expect(codes(gbk)).toEqual(["not_utf8"]);
  });

  it("refuses an empty file and a header without people", () => {
    expect(codes("")).toEqual(["file_empty"]);
    expect(codes("\uFEFF\r\n")).toEqual(["file_empty"]);
    expect(codes(`${HEADER}\r\n`)).toEqual(["no_people"]);
  });

  it("points at a quote left open and text after a closing quote", () => {
    const stray = parseRoster(
      csv(line({}), '"王芳"x,city.hrss,,13800000102,联络员,,'),
    );
    expect(stray.issues.map((i) => [i.line, i.code])).toEqual([
      [3, "csv_stray_quote"],
    ]);
    expect(stray.rows).toHaveLength(1);

    const open = parseRoster(
      csv(line({}), '"王芳,city.hrss,,13800000102,联络员,,'),
    );
    expect(open.issues.map((i) => [i.line, i.code])).toEqual([
      [3, "csv_unclosed_quote"],
    ]);
  });

  it.each([
    [{ name: "" }, "姓名", "name_missing"],
    [{ name: "张".repeat(65) }, "姓名", "name_too_long"],
    [{ unit: " " }, "单位代码", "unit_missing"],
    [{ title: "科".repeat(65) }, "职务", "title_too_long"],
    [{ phone: "" }, "手机", "phone_missing"],
    [{ phone: "1.38E+10" }, "手机", "phone_scientific"],
    [{ phone: "0825-2345678" }, "手机", "phone_invalid"],
    [{ phone: "1380000010" }, "手机", "phone_invalid"],
    [{ roles: "" }, "角色", "role_missing"],
    [{ roles: "、" }, "角色", "role_missing"],
    [{ roles: "联络员、领导" }, "角色", "role_unknown"],
    [{ wecom: "张晓明" }, "企业微信账号", "wecom_id_invalid"],
    [{ wecom: "a".repeat(65) }, "企业微信账号", "wecom_id_invalid"],
    [{ dingtalk: "zhang.x" }, "钉钉账号", "dingtalk_id_invalid"],
    [{ dingtalk: "zhang@x" }, "钉钉账号", "dingtalk_id_invalid"],
  ])("refuses %j in %s as %s", (fields, column, code) => {
    const { issues } = parseRoster(csv(line(fields)));

    expect(issues).toEqual([
      {
        line: 2,
        column,
        code,
        message: expect.stringMatching(`^第 2 行 ${column}：[^ ]`),
      },
    ]);
  });

  it("says what is wrong and how to put it right", () => {
    const { issues } = parseRoster(
      csv(
        line({ phone: "1.38E+10" }),
        line({ phone: "13800000102", roles: "组长" }),
        line({ phone: "13800000103", wecom: "张晓明" }),
      ),
    );

    expect(issues.map((i) => i.message)).toEqual([
      "第 2 行 手机：Excel 把号码显示成了科学计数法（如 1.38E+10）：请把该列设为“文本”，重新填写号码后再保存。",
      "第 3 行 角色：“组长”不是可用的角色（联络员、分管领导、经办人、管理员）。",
      "第 4 行 企业微信账号：应为 1–64 位字母、数字或 _-.@（企业微信管理后台成员的“账号”）。",
    ]);
  });

  it("accepts the longest names and ids the platforms allow", () => {
    const parsed = parseRoster(
      csv(
        line({
          name: "张".repeat(64),
          wecom: "a".repeat(64),
          dingtalk: "b".repeat(64),
        }),
      ),
    );
    expect(parsed.issues).toEqual([]);
  });

  it("names both lines of a phone given twice, without the whole number", () => {
    const parsed = parseRoster(
      csv(line({}), line({ name: "王芳", phone: "138 0000 0101" })),
    );
    expect(parsed.issues).toEqual([
      {
        line: 3,
        column: "手机",
        code: "phone_duplicate",
        message: "第 3 行 手机：与第 2 行相同（138****0101），每人只写一行。",
      },
    ]);
  });

  it("names both lines of an account given twice, in any case", () => {
    const parsed = parseRoster(
      csv(
        line({ wecom: "ZhangX", dingtalk: "dt-1" }),
        line({ phone: "13800000102", wecom: "zhangx" }),
        line({ phone: "13800000103", dingtalk: "DT-1" }),
      ),
    );
    expect(parsed.issues.map((i) => i.message)).toEqual([
      "第 3 行 企业微信账号：“zhangx”与第 2 行相同（不区分大小写），一个账号只能对应一人。",
      "第 4 行 钉钉账号：“DT-1”与第 2 行相同（不区分大小写），一个账号只能对应一人。",
    ]);
  });

  it("refuses content under a column without a name", () => {
    const parsed = parseRoster(
      `${HEADER},\n${line({})},\n${line({ phone: "13800000102" })},调入\n`,
    );
    expect(parsed.issues.map((i) => i.message)).toEqual([
      "第 3 行：有 1 个单元格填在没有列名的列里，请检查是否多了逗号或填错了列。",
    ]);
  });

  it("reports every problem of every line at once, in order", () => {
    const parsed = parseRoster(
      csv(
        line({ name: "", phone: "123" }),
        line({ phone: "13800000102" }),
        line({ phone: "13800000102", roles: "组长", wecom: "a b" }),
      ),
    );
    expect(parsed.issues.map((i) => `${i.line} ${i.code}`)).toEqual([
      "2 name_missing",
      "2 phone_invalid",
      "4 phone_duplicate",
      "4 role_unknown",
      "4 wecom_id_invalid",
    ]);
  });

  it("never repeats a phone number whole in a message", () => {
    const parsed = parseRoster(
      csv(
        line({ wecom: "13800000101" }),
        line({ wecom: "13800000101", phone: "13800000101" }),
      ),
    );
    expect(parsed.issues.length).toBeGreaterThan(0);
    for (const issue of parsed.issues) {
      expect(issue.message).not.toMatch(FULL_PHONE);
    }
  });

  it("offers a template that reads without problems", () => {
    const parsed = parseRoster(rosterTemplate());
    expect(parsed.issues).toEqual([]);
    expect(parsed.rows).toHaveLength(2);
  });
});

describe.each(engines())("loading a roster on $name", (engine) => {
  let store: Store;

  beforeEach(async () => {
    store = await engine.open();
    await loadUnits(store, UNITS);
    await loadDemoPeople(store, DEMO);
  });

  afterEach(() => engine.release());

  /** Everyone, demo people too, with unit code, roles and accounts. */
  async function everyone() {
    const { people, units, personRoles, personBindings } = store.t;
    const rows = await store.db
      .select({
        id: people.id,
        name: people.name,
        unit: units.code,
        title: people.title,
        phone: people.phone,
        active: people.active,
        demo: people.demo,
      })
      .from(people)
      .innerJoin(units, eq(units.id, people.unitId))
      .orderBy(asc(people.id));
    const roles = await store.db.select().from(personRoles);
    const bindings = await store.db.select().from(personBindings);
    return rows.map((p) => ({
      ...p,
      roles: roles
        .filter((r) => r.personId === p.id)
        .map((r) => r.role)
        .sort(),
      accounts: Object.fromEntries(
        bindings
          .filter((b) => b.personId === p.id)
          .map((b) => [b.channel, b.externalId]),
      ),
    }));
  }

  const listed = async () => (await everyone()).filter((p) => !p.demo);
  const named = async (name: string) =>
    (await everyone()).find((p) => p.name === name && !p.demo)!;

  async function auditTrail() {
    const { auditLog } = store.t;
    const rows = await store.db
      .select()
      .from(auditLog)
      .orderBy(asc(auditLog.id));
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
  }

  async function refusal(input: string): Promise<RosterError> {
    const error = await loadRoster(store, input, options).catch((e) => e);
    expect(error).toBeInstanceOf(RosterError);
    return error as RosterError;
  }

  it("loads the example file: people, roles, accounts and audit", async () => {
    const summary = await loadRoster(store, readFileSync(EXAMPLE), options);

    expect(summary).toMatchObject({
      created: 7,
      updated: 0,
      deactivated: 0,
      unchanged: 0,
    });
    const zhou = await named("周明远");
    expect(zhou).toMatchObject({
      unit: "city.hrss",
      title: "劳动保障监察支队副支队长",
      phone: "13800000021",
      active: true,
      roles: ["caseworker", "liaison"],
      accounts: { wecom: "zhoumingyuan" },
    });
    expect((await named("钱立新")).title).toBe("建筑市场监管科科长,劳资专管员");
    expect((await named("何晓燕")).accounts).toEqual({
      dingtalk: "dt-hexiaoyan",
    });

    const directory = new Directory(store);
    const found = await directory.personByBinding("wecom", "zhoumingyuan");
    expect(found?.name).toBe("周明远");
    const leaders = await directory.peopleWithRole(
      (await directory.unitByCode("city.housing"))!.id,
      ["leader"],
    );
    expect(leaders.map((p) => p.name)).toEqual(["刘洋", "孙雅琴"]);

    const trail = await auditTrail();
    expect(trail).toHaveLength(7);
    expect(trail[0]).toMatchObject({
      actorId: null,
      actorName: "system",
      channel: "cli",
      subjectType: "person",
      subjectId: zhou.id,
      action: "person.create",
      at: NOW,
      detail: {
        name: "周明远",
        unit: "city.hrss",
        phone: "138****0021",
        roles: ["caseworker", "liaison"],
        accounts: { wecom: "zhoumingyuan" },
      },
    });
    for (const entry of trail) {
      expect(JSON.stringify(entry.detail)).not.toMatch(FULL_PHONE);
    }
  });

  it("changes nothing when reloading the same file", async () => {
    await loadRoster(store, readFileSync(EXAMPLE), options);
    const before = await everyone();
    const entries = (await auditTrail()).length;

    const summary = await loadRoster(store, readFileSync(EXAMPLE), options);

    expect(summary).toEqual({
      created: 0,
      updated: 0,
      deactivated: 0,
      unchanged: 7,
      changes: [],
    });
    expect(await everyone()).toEqual(before);
    expect(await auditTrail()).toHaveLength(entries);
  });

  it("updates a person found by phone in place", async () => {
    await loadRoster(
      store,
      csv(
        line({ roles: "联络员", wecom: "zhangx" }),
        line({ name: "王芳", phone: "13800000102" }),
      ),
      options,
    );
    const before = await named("张晓明");

    const summary = await loadRoster(
      store,
      csv(
        line({
          name: "张小明",
          unit: "anju.hrss",
          title: "股长",
          phone: "138 0000 0101",
          roles: "经办人、分管领导",
          wecom: "zhangxm",
          dingtalk: "dt-zhang",
        }),
        line({ name: "王芳", phone: "13800000102" }),
      ),
      options,
    );

    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(summary.changes).toEqual([
      {
        action: "update",
        line: 2,
        name: "张小明",
        unitCode: "anju.hrss",
        fields: [
          "姓名",
          "职务",
          "单位代码",
          "角色",
          "企业微信账号",
          "钉钉账号",
        ],
      },
    ]);
    expect(await named("张小明")).toEqual({
      ...before,
      name: "张小明",
      unit: "anju.hrss",
      title: "股长",
      roles: ["caseworker", "leader"],
      accounts: { wecom: "zhangxm", dingtalk: "dt-zhang" },
    });
    const entry = (await auditTrail()).at(-1)!;
    expect(entry).toMatchObject({
      subjectId: before.id,
      action: "person.update",
      detail: {
        line: 2,
        changes: {
          name: { from: "张晓明", to: "张小明" },
          unit: { from: "city.hrss", to: "anju.hrss" },
          roles: { from: ["liaison"], to: ["caseworker", "leader"] },
          wecom: { from: "zhangx", to: "zhangxm" },
          dingtalk: { from: null, to: "dt-zhang" },
        },
      },
    });
  });

  it("deactivates people left out and frees their accounts", async () => {
    await loadRoster(
      store,
      csv(
        line({ wecom: "zhangx", dingtalk: "dt-zhang" }),
        line({ name: "王芳", phone: "13800000102", wecom: "wangf" }),
      ),
      options,
    );
    const zhang = await named("张晓明");

    const summary = await loadRoster(
      store,
      csv(line({ name: "王芳", phone: "13800000102", wecom: "wangf" })),
      options,
    );

    expect(summary).toMatchObject({ deactivated: 1, unchanged: 1 });
    expect(summary.changes).toEqual([
      {
        action: "deactivate",
        line: null,
        name: "张晓明",
        unitCode: "city.hrss",
        fields: [],
      },
    ]);
    expect(await named("张晓明")).toMatchObject({
      id: zhang.id,
      active: false,
      accounts: {},
    });
    const directory = new Directory(store);
    expect(await directory.personByBinding("wecom", "zhangx")).toBeUndefined();
    expect((await auditTrail()).at(-1)).toMatchObject({
      subjectId: zhang.id,
      action: "person.deactivate",
      detail: {
        name: "张晓明",
        wasActive: true,
        accountsRemoved: { wecom: "zhangx", dingtalk: "dt-zhang" },
      },
    });
  });

  it("brings a deactivated person back under the same id", async () => {
    const both = csv(line({}), line({ name: "王芳", phone: "13800000102" }));
    await loadRoster(store, both, options);
    const wang = await named("王芳");
    await loadRoster(store, csv(line({})), options);

    const summary = await loadRoster(store, both, options);

    expect(summary.changes).toEqual([
      expect.objectContaining({ name: "王芳", fields: ["重新启用"] }),
    ]);
    expect(await named("王芳")).toEqual({ ...wang, active: true });
  });

  it("moves an account to a successor", async () => {
    await loadRoster(store, csv(line({ wecom: "hrss-liaison" })), options);
    const old = await named("张晓明");

    const summary = await loadRoster(
      store,
      csv(line({ name: "王芳", phone: "13800000102", wecom: "HRSS-Liaison" })),
      options,
    );

    expect(summary).toMatchObject({ created: 1, deactivated: 1 });
    const successor = await named("王芳");
    expect(successor.accounts).toEqual({ wecom: "HRSS-Liaison" });
    expect((await named("张晓明")).accounts).toEqual({});
    const created = (await auditTrail()).find(
      (e) => e.action === "person.create" && e.subjectId === successor.id,
    );
    expect(created?.detail.accountsTakenFrom).toEqual({ wecom: old.id });
  });

  it("swaps accounts between two people in one load", async () => {
    const zhang = line({ wecom: "acct-a", dingtalk: "dt-a" });
    const wang = (wecom: string, dingtalk: string) =>
      line({ name: "王芳", phone: "13800000102", wecom, dingtalk });
    await loadRoster(store, csv(zhang, wang("acct-b", "dt-b")), options);

    const summary = await loadRoster(
      store,
      csv(line({ wecom: "acct-b", dingtalk: "" }), wang("acct-a", "dt-a")),
      options,
    );

    expect(summary).toMatchObject({ updated: 2, created: 0 });
    expect((await named("张晓明")).accounts).toEqual({ wecom: "acct-b" });
    expect((await named("王芳")).accounts).toEqual({
      wecom: "acct-a",
      dingtalk: "dt-a",
    });
  });

  it("takes the new case of an account id", async () => {
    await loadRoster(store, csv(line({ wecom: "ZhangX" })), options);

    const summary = await loadRoster(
      store,
      csv(line({ wecom: "zhangx" })),
      options,
    );

    expect(summary.updated).toBe(1);
    expect((await named("张晓明")).accounts).toEqual({ wecom: "zhangx" });
  });

  it("takes an account from a binding whose person is gone", async () => {
    const { personBindings } = store.t;
    await store.db.insert(personBindings).values({
      personId: 999_999,
      channel: "dingtalk",
      externalId: "dt-left",
    });

    await loadRoster(store, csv(line({ dingtalk: "dt-left" })), options);

    const zhang = await named("张晓明");
    expect(
      await store.db
        .select()
        .from(personBindings)
        .where(eq(personBindings.channel, "dingtalk")),
    ).toEqual([
      { personId: zhang.id, channel: "dingtalk", externalId: "dt-left" },
    ]);
  });

  it("never touches demo people, even with the same phone", async () => {
    const demoBefore = (await everyone()).filter((p) => p.demo);
    const wang = demoBefore.find((p) => p.name === "王建国")!;
    const file = csv(
      line({ name: "王建国", phone: wang.phone!, wecom: "wangjg" }),
    );

    await loadRoster(store, file, options);
    await loadRoster(store, csv(line({ phone: "13800000199" })), options);

    expect((await everyone()).filter((p) => p.demo)).toEqual(demoBefore);
    expect(await listed()).toMatchObject([
      { name: "王建国", phone: wang.phone, active: false, accounts: {} },
      { name: "张晓明", active: true },
    ]);
    const trail = await auditTrail();
    expect(trail.map((e) => e.subjectId)).not.toContain(wang.id);
  });

  it("refuses an account a demo person holds", async () => {
    const [demo] = (await everyone()).filter((p) => p.demo);
    await store.db.insert(store.t.personBindings).values({
      personId: demo.id,
      channel: "wecom",
      externalId: "demo-wecom",
    });

    const error = await refusal(csv(line({ wecom: "Demo-Wecom" })));

    expect(error.issues.map((i) => i.message)).toEqual([
      "第 2 行 企业微信账号：“Demo-Wecom”绑定在模拟器演示人员上，不能使用。",
    ]);
    expect(await listed()).toEqual([]);
  });

  it("refuses unknown units, with the file's other problems", async () => {
    const error = await refusal(
      csv(
        line({ phone: "1380000010" }),
        line({ phone: "13800000102", unit: "city.hrs" }),
      ),
    );

    expect(error.code).toBe("roster_invalid");
    expect(error.issues.map((i) => i.message)).toEqual([
      "第 2 行 手机：应为 11 位手机号码，如 13800000000。",
      "第 3 行 单位代码：没有代码为“city.hrs”的成员单位，请核对成员单位数据中的 code（如 city.hrss）。",
    ]);
  });

  it("refuses a unit that was deactivated", async () => {
    const { units } = store.t;
    await store.db
      .update(units)
      .set({ active: false })
      .where(eq(units.code, "anju.hrss"));

    const error = await refusal(csv(line({ unit: "anju.hrss" })));

    expect(error.issues.map((i) => i.code)).toEqual(["unit_inactive"]);
  });

  it("writes nothing when one line is bad", async () => {
    await loadRoster(store, readFileSync(EXAMPLE), options);
    const before = await everyone();
    const entries = (await auditTrail()).length;
    const changed = readFileSync(EXAMPLE, "utf8")
      .replace("周明远", "周明达")
      .replace(/^何晓燕.*$/m, "")
      .concat("新来的,city.hrss,,13800000099,组长,,\r\n");

    const error = await refusal(changed);

    expect(error.issues.map((i) => `${i.line} ${i.code}`)).toEqual([
      "9 role_unknown",
    ]);
    expect(await everyone()).toEqual(before);
    expect(await auditTrail()).toHaveLength(entries);
  });

  it("changes nothing on a dry run but says what would change", async () => {
    await loadRoster(
      store,
      csv(line({}), line({ name: "王芳", phone: "13800000102" })),
      options,
    );
    const before = await everyone();

    const summary = await loadRoster(
      store,
      csv(
        line({ title: "股长" }),
        line({ name: "李文静", phone: "13800000103" }),
      ),
      { ...options, dryRun: true },
    );

    expect(summary).toMatchObject({
      created: 1,
      updated: 1,
      deactivated: 1,
      unchanged: 0,
    });
    expect(summary.changes.map((c) => `${c.action} ${c.name}`)).toEqual([
      "create 李文静",
      "update 张晓明",
      "deactivate 王芳",
    ]);
    expect(await everyone()).toEqual(before);
  });

  it("masks a phone number used as an account id in the audit", async () => {
    await loadRoster(store, csv(line({ wecom: "13800000101" })), options);
    await loadRoster(store, csv(line({ wecom: "13800000155" })), options);
    await loadRoster(store, csv(line({ phone: "13800000102" })), options);

    const trail = await auditTrail();
    expect(trail.map((e) => e.action)).toEqual([
      "person.create",
      "person.update",
      "person.deactivate",
      "person.create",
    ]);
    expect(trail[1].detail.changes.wecom).toEqual({
      from: "138****0101",
      to: "138****0155",
    });
    for (const entry of trail) {
      expect(JSON.stringify(entry.detail)).not.toMatch(FULL_PHONE);
    }
  });

  it("asks for the units first on an empty database", async () => {
    store = await engine.open();

    const error = await refusal(csv(line({})));

    expect(error.issues.map((i) => i.code)).toEqual(["units_empty"]);
  });
});

describe("npm run people", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roster-cli-"));
    const url = `sqlite:${join(dir, "bot.db")}`;
    const store = await openStore(url);
    await loadUnits(store, UNITS);
    await store.close();
    env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function people(...args: string[]) {
    return new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          "npx",
          ["tsx", "src/units/roster-cli.ts", ...args],
          { cwd: ROOT, env },
          (error, stdout, stderr) => {
            const code = error ? Number(error.code ?? -1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      },
    );
  }

  async function count(): Promise<number> {
    const store = await openStore(env.DATABASE_URL!);
    try {
      return (await store.db.select().from(store.t.people)).length;
    } finally {
      await store.close();
    }
  }

  it("loads a file, after a dry run that writes nothing", async () => {
    const dry = await people("load", EXAMPLE, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("新增 7 人");
    expect(dry.stdout).toContain("试运行");
    expect(await count()).toBe(0);

    const load = await people("load", EXAMPLE);
    expect(load.code).toBe(0);
    expect(load.stdout).toContain(
      "名单共 7 人：新增 7 人，更新 0 人，停用 0 人，无变化 0 人。",
    );
    expect(load.stdout).not.toMatch(FULL_PHONE);
    expect(await count()).toBe(7);
  });

  it("exits 1 with every problem of a bad file", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(
      bad,
      csv(line({ phone: "" }), line({ unit: "nowhere", phone: "13800000102" })),
    );

    const run = await people("load", bad);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("名单有 2 处问题，没有写入任何数据");
    expect(run.stderr).toContain(
      "第 2 行 手机：请填写 11 位手机号码。（phone_missing）",
    );
    expect(run.stderr).toContain(
      "第 3 行 单位代码：没有代码为“nowhere”的成员单位",
    );
  });

  it("exits 1 for a file that is not there, 2 for bad usage", async () => {
    expect((await people("load", join(dir, "missing.csv"))).code).toBe(1);
    expect((await people("load")).code).toBe(2);
  });

  it("refuses the template's made-up people", async () => {
    const template = join(dir, "template.csv");
    writeFileSync(template, (await people("template")).stdout);
    const run = await people("load", template);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("模板里的示例人员");
  });

  it("stops many people at once only with --yes", async () => {
    // After the first test: the 7 of the example are in the database.
    const few = join(dir, "few.csv");
    writeFileSync(few, csv(line({ phone: "13800000131" })));
    const refused = await people("load", few);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("会停用 7 人");
    expect(refused.stderr).toContain("--yes");
    expect(await count()).toBe(7);

    const done = await people("load", few, "--yes");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("停用 7 人");
    expect(done.stdout).toContain("已写入数据库");
  });

  it("prints a template the loader reads", async () => {
    const run = await people("template");

    expect(run.code).toBe(0);
    // Not a terminal: the byte order mark that tells Excel it is UTF-8.
    expect(run.stdout.startsWith("\uFEFF" + HEADER)).toBe(true);
    expect(parseRoster(run.stdout).issues).toEqual([]);
  });
});
