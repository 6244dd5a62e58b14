/**
 * The people roster: the real officials, the unit each acts for, their
 * roles and their WeCom and DingTalk accounts. An administrator keeps it
 * as a spreadsheet and loads it as CSV. The file is the whole truth about
 * non-demo people: loading it creates, updates and deactivates people
 * until the database matches, or, if any line is wrong, changes nothing.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db, Store } from "../../db/index.js";
import { audit, type Actor } from "../audit.js";
import { AppError } from "../errors.js";
import { maskPhone } from "../mask.js";
import { stripInvisible } from "../validation.js";
import type { Role } from "./kinds.js";

export const COLUMNS = [
  "姓名",
  "单位代码",
  "职务",
  "手机",
  "角色",
  "企业微信账号",
  "钉钉账号",
] as const;
type Column = (typeof COLUMNS)[number];

export const ROLE_NAMES: Readonly<Record<string, Role>> = {
  联络员: "liaison",
  分管领导: "leader",
  // The simulator's and the README's words for the same roles.
  负责人: "leader",
  分管负责人: "leader",
  经办人: "caseworker",
  经办人员: "caseworker",
  管理员: "admin",
};
/** The names an error lists: one per role (the others are accepted too). */
const ROLE_LIST = ["联络员", "分管领导", "经办人", "管理员"].join("、");

/** The platforms whose accounts the roster assigns; "sim" is not one. */
const PLATFORMS = [
  { channel: "wecom", column: "企业微信账号", pattern: /^[\w.@-]{1,64}$/ },
  { channel: "dingtalk", column: "钉钉账号", pattern: /^[\w-]{1,64}$/ },
] as const;
type Platform = (typeof PLATFORMS)[number]["channel"];
const CHANNELS: Platform[] = PLATFORMS.map((p) => p.channel);

const MAX_TEXT = 64;

/**
 * Every problem a roster can have, by its stable code, with what to tell
 * the administrator. {name} marks where a detail goes.
 */
const PROBLEMS = {
  not_utf8:
    "文件不是 UTF-8 编码：请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”后再载入。",
  file_empty: "文件是空的。",
  no_people: "名单中没有人员：表头下至少要有一行。",
  units_empty:
    "数据库中还没有成员单位：请先启动一次程序（npm start）载入成员单位，再载入名单。",
  csv_unclosed_quote: "引号没有配对，从这里到文件末尾都被读成了一个单元格。",
  csv_stray_quote: '引号后面还有文字：单元格里的引号要写成两个（""）。',
  header_missing: `第一行应为表头：${COLUMNS.join(",")}（可用 npm run people -- template 生成模板）。`,
  header_separator:
    "各列要用逗号分隔：请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”。",
  column_missing: "缺少列{names}。",
  column_unknown: `不认识的列{names}，请删除（可用的列：${COLUMNS.join("、")}）。`,
  column_duplicate: "列“{name}”出现了不止一次。",
  cell_outside_columns:
    "有 {count} 个单元格填在没有列名的列里，请检查是否多了逗号或填错了列。",
  name_missing: "请填写。",
  name_too_long: `不能超过 ${MAX_TEXT} 个字。`,
  unit_missing: "请填写成员单位代码，如 city.hrss。",
  unit_unknown:
    "没有代码为“{code}”的成员单位，请核对成员单位数据中的 code（如 city.hrss）。",
  unit_inactive: "成员单位“{code}”已停用。",
  title_too_long: `不能超过 ${MAX_TEXT} 个字。`,
  phone_missing: "请填写 11 位手机号码。",
  phone_scientific:
    "Excel 把号码显示成了科学计数法（如 1.38E+10）：请把该列设为“文本”，重新填写号码后再保存。",
  phone_invalid: "应为 11 位手机号码，如 13800000000。",
  phone_duplicate: "与第 {first} 行相同（{phone}），每人只写一行。",
  role_missing: `请填写至少一个角色：${ROLE_LIST}，多个用顿号分隔。`,
  role_unknown: `“{role}”不是可用的角色（${ROLE_LIST}）。`,
  wecom_id_invalid:
    "应为 1–64 位字母、数字或 _-.@（企业微信管理后台成员的“账号”）。",
  dingtalk_id_invalid:
    "应为 1–64 位字母、数字或 _-（钉钉管理后台成员的 userid）。",
  wecom_id_duplicate:
    "“{id}”与第 {first} 行相同（不区分大小写），一个账号只能对应一人。",
  dingtalk_id_duplicate:
    "“{id}”与第 {first} 行相同（不区分大小写），一个账号只能对应一人。",
  wecom_id_demo: "“{id}”绑定在模拟器演示人员上，不能使用。",
  dingtalk_id_demo: "“{id}”绑定在模拟器演示人员上，不能使用。",
} as const;
export type RosterProblem = keyof typeof PROBLEMS;

/** One problem; `message` is whole, e.g. "第 5 行 手机：……". */
export interface RosterIssue {
  /** The row as Excel numbers it (the header is 1); null: the whole file. */
  line: number | null;
  column?: Column | "表头";
  code: RosterProblem;
  message: string;
}

export interface RosterRow {
  line: number;
  name: string;
  unitCode: string;
  title: string | null;
  /** 11 digits. */
  phone: string;
  roles: Role[];
  accounts: Record<Platform, string | null>;
}

export interface ParsedRoster {
  rows: RosterRow[];
  issues: RosterIssue[];
}

export interface PersonChange {
  action: "create" | "update" | "deactivate";
  /** The person's row in the file; null for people deactivated. */
  line: number | null;
  name: string;
  unitCode: string;
  /** The columns that changed, for updates. */
  fields: string[];
}

export interface RosterSummary {
  created: number;
  updated: number;
  deactivated: number;
  unchanged: number;
  /** Who was (or, in a dry run, would be) created, updated, deactivated. */
  changes: PersonChange[];
}

export class RosterError extends AppError {
  constructor(readonly issues: RosterIssue[]) {
    super(
      "roster_invalid",
      `名单有 ${issues.length} 处问题，没有写入任何数据：`,
      422,
    );
  }
}

/** The template's made-up people, by phone: never loaded as real ones. */
export const TEMPLATE_PHONES = ["13800000091", "13800000092"];

/** An example roster with made-up people, for `npm run people -- template`. */
export function rosterTemplate(): string {
  return [
    COLUMNS.join(","),
    `张晓明,city.hrss,劳动保障监察支队科员,${TEMPLATE_PHONES[0]},联络员、经办人,zhangxiaoming,`,
    `李文静,chuanshan.housing,副局长,${TEMPLATE_PHONES[1]},分管领导,liwenjing,manager0092`,
    "",
  ].join("\r\n");
}

/**
 * Reads a roster as Excel's "CSV UTF-8" writes it. Checks everything that
 * needs no database; `loadRoster` adds the checks that do.
 */
export function parseRoster(input: string | Uint8Array): ParsedRoster {
  let text: string;
  try {
    text =
      typeof input === "string"
        ? input
        : new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch {
    return { rows: [], issues: [issue("not_utf8")] };
  }
  const { records, issues } = parseCsv(text.replace(/^\uFEFF/, ""));
  const filled = records.filter((r) => r.cells.some((c) => clean(c) !== ""));
  if (filled.length === 0) {
    return { rows: [], issues: [issue("file_empty")] };
  }

  const [head, ...body] = filled;
  const header = readHeader(head);
  if (!header.columns) {
    return { rows: [], issues: [...header.issues, ...issues] };
  }
  if (body.length === 0 && issues.length === 0) {
    issues.push(issue("no_people"));
  }
  const rows: RosterRow[] = [];
  const seen = new Map<string, number>();
  for (const record of body.filter((r) => !r.broken)) {
    rows.push(readRow(record, header.columns, seen, issues));
  }
  return { rows, issues };
}

/**
 * Checks a roster against the database and, unless it is a dry run, makes
 * the non-demo people match it, in one transaction. Throws a RosterError
 * listing every problem, having written nothing, if any line is wrong.
 */
export async function loadRoster(
  store: Store,
  input: string | Uint8Array,
  options: { actor: Actor; now: number; dryRun?: boolean },
): Promise<RosterSummary> {
  const parsed = parseRoster(input);
  return store.tx(async (q) => {
    const state = await readState(store, q);
    const issues = [...parsed.issues, ...checkAgainst(state, parsed.rows)];
    if (issues.length > 0) {
      throw new RosterError(sortIssues(issues));
    }

    const plan = makePlan(state, parsed.rows);
    if (!options.dryRun) {
      await new Writer(store, q, state, options).apply(plan);
    }
    return summarize(state, plan, parsed.rows.length);
  });
}

function issue(
  code: RosterProblem,
  at: { line?: number; column?: Column | "表头" } = {},
  details: Record<string, string | number> = {},
): RosterIssue {
  const text = PROBLEMS[code].replace(/\{(\w+)\}/g, (_, key: string) =>
    String(details[key]),
  );
  if (at.line === undefined) {
    return { line: null, code, message: text };
  }
  const where = at.column
    ? `第 ${at.line} 行 ${at.column}`
    : `第 ${at.line} 行`;
  return {
    line: at.line,
    column: at.column,
    code,
    message: `${where}：${text}`,
  };
}

/** By line, then in the order of COLUMNS, as the administrator reads. */
function sortIssues(issues: RosterIssue[]): RosterIssue[] {
  const rank = (i: RosterIssue) =>
    (i.line ?? 0) * 100 + COLUMNS.indexOf(i.column as Column) + 1;
  return issues
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map((x) => x.item);
}

// --- CSV --------------------------------------------------------------------

interface CsvRecord {
  line: number;
  cells: string[];
  /** A quoting error: the cells are not what the author meant. */
  broken: boolean;
}

/**
 * RFC 4180 as Excel writes it: fields separated by commas, records by
 * CRLF or LF, quoted fields with "" for a quote. Records are numbered as
 * Excel numbers its rows, so a line break inside a cell does not shift
 * the numbers the administrator sees.
 */
function parseCsv(text: string) {
  const records: CsvRecord[] = [];
  const issues: RosterIssue[] = [];
  let i = 0;
  for (let line = 1; i < text.length; line++) {
    const cells: string[] = [];
    let broken = false;
    for (;;) {
      if (text[i] !== '"') {
        const end = indexOf(text, /[,\r\n]/g, i);
        cells.push(text.slice(i, end));
        i = end;
      } else {
        const quoted = readQuoted(text, i + 1);
        cells.push(quoted.value);
        i = quoted.end;
        if (i === -1) {
          issues.push(issue("csv_unclosed_quote", { line }));
          i = text.length;
          broken = true;
        } else if (i < text.length && !",\r\n".includes(text[i])) {
          issues.push(issue("csv_stray_quote", { line }));
          i = indexOf(text, /[\r\n]/g, i);
          broken = true;
        }
      }
      if (text[i] !== ",") {
        break;
      }
      i++;
    }
    i += text.startsWith("\r\n", i) ? 2 : 1;
    records.push({ line, cells, broken });
  }
  return { records, issues };
}

/** A quoted field from just after its opening quote; end -1: unclosed. */
function readQuoted(text: string, from: number) {
  let value = "";
  for (let j = from; ;) {
    const quote = text.indexOf('"', j);
    if (quote === -1) {
      return { value: value + text.slice(j), end: -1 };
    }
    value += text.slice(j, quote);
    if (text[quote + 1] !== '"') {
      return { value, end: quote + 1 };
    }
    value += '"';
    j = quote + 2;
  }
}

/** Where `pattern` (global) first matches from `from`, or the end. */
function indexOf(text: string, pattern: RegExp, from: number): number {
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? text.length;
}

// --- Checking rows ----------------------------------------------------------

/** A cell as meant: no invisible characters, line breaks or edge spaces. */
function clean(cell: string): string {
  return stripInvisible(cell).replace(/\s+/g, " ").trim();
}

function readHeader(record: CsvRecord): {
  columns?: Map<Column, number>;
  issues: RosterIssue[];
} {
  const at = { line: record.line, column: "表头" as const };
  const names = record.cells.map(clean);
  const known = (n: string): n is Column => COLUMNS.includes(n as Column);
  if (record.broken) {
    return { issues: [] };
  }
  if (!names.some(known)) {
    const other = names.length === 1 && /[;\t]/.test(names[0]);
    return {
      issues: [issue(other ? "header_separator" : "header_missing", at)],
    };
  }

  const columns = new Map<Column, number>();
  const issues: RosterIssue[] = [];
  const unknown: string[] = [];
  names.forEach((name, index) => {
    // Nameless columns are Excel's padding: rows' content there is wrong.
    if (name === "") {
      return;
    }
    if (!known(name)) {
      unknown.push(`“${name}”`);
    } else if (columns.has(name)) {
      issues.push(issue("column_duplicate", at, { name }));
    } else {
      columns.set(name, index);
    }
  });
  const missing = COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    const names = missing.map((c) => `“${c}”`).join("、");
    issues.push(issue("column_missing", at, { names }));
  }
  if (unknown.length > 0) {
    issues.push(issue("column_unknown", at, { names: unknown.join("、") }));
  }
  return issues.length > 0 ? { issues } : { columns, issues };
}

/** Reports a cell's problem; remembers the first line of each value. */
interface RowCheck {
  problem(
    column: Column,
    code: RosterProblem,
    details?: Record<string, string | number>,
  ): void;
  /** The first line that gave this key, or undefined if this is it. */
  firstOf(key: string): number | undefined;
}

/**
 * One person's row. Problems go to `issues`; the row comes back anyway so
 * that the database checks can report theirs too. `seen` holds the first
 * line of each phone and account, to catch the same one given twice.
 */
function readRow(
  record: CsvRecord,
  columns: Map<Column, number>,
  seen: Map<string, number>,
  issues: RosterIssue[],
): RosterRow {
  const { line } = record;
  const cell = (c: Column) => clean(record.cells[columns.get(c)!] ?? "");
  const check: RowCheck = {
    problem: (column, code, details) =>
      issues.push(issue(code, { line, column }, details)),
    firstOf: (key) => {
      const first = seen.get(key);
      seen.set(key, first ?? line);
      return first;
    },
  };

  const used = new Set(columns.values());
  const stray = record.cells.filter((c, i) => !used.has(i) && clean(c));
  if (stray.length > 0) {
    const count = stray.length;
    issues.push(issue("cell_outside_columns", { line }, { count }));
  }

  const name = cell("姓名");
  if (name === "") {
    check.problem("姓名", "name_missing");
  } else if ([...name].length > MAX_TEXT) {
    check.problem("姓名", "name_too_long");
  }
  const unitCode = cell("单位代码");
  if (unitCode === "") {
    check.problem("单位代码", "unit_missing");
  }
  const title = cell("职务");
  if ([...title].length > MAX_TEXT) {
    check.problem("职务", "title_too_long");
  }

  return {
    line,
    name,
    unitCode,
    title: title || null,
    phone: readPhone(cell("手机"), check),
    roles: readRoles(cell("角色"), check),
    accounts: readAccounts(cell, check),
  };
}

function readPhone(value: string, check: RowCheck): string {
  const phone = normalizePhone(value);
  if (phone === "") {
    check.problem("手机", "phone_missing");
  } else if (/^\d+(\.\d+)?E\+?\d+$/i.test(phone)) {
    check.problem("手机", "phone_scientific");
  } else if (!/^1[3-9]\d{9}$/.test(phone)) {
    check.problem("手机", "phone_invalid");
  } else {
    const first = check.firstOf(`phone:${phone}`);
    if (first) {
      const masked = maskPhone(phone);
      check.problem("手机", "phone_duplicate", { first, phone: masked });
    }
  }
  return phone;
}

function readRoles(value: string, check: RowCheck): Role[] {
  const roles = new Set<Role>();
  const words = value.split(/[、，,;；\s]+/).filter(Boolean);
  for (const role of words) {
    if (ROLE_NAMES[role]) {
      roles.add(ROLE_NAMES[role]);
    } else {
      check.problem("角色", "role_unknown", { role });
    }
  }
  if (words.length === 0) {
    check.problem("角色", "role_missing");
  }
  return [...roles].sort();
}

function readAccounts(
  cell: (c: Column) => string,
  check: RowCheck,
): RosterRow["accounts"] {
  const accounts = { wecom: null, dingtalk: null } as RosterRow["accounts"];
  for (const { channel, column, pattern } of PLATFORMS) {
    const id = cell(column);
    if (id === "") {
      continue;
    }
    if (!pattern.test(id)) {
      check.problem(column, `${channel}_id_invalid`);
      continue;
    }
    // Both platforms, and MySQL's collation, take ids in any case as one.
    const first = check.firstOf(`${channel}:${id.toLowerCase()}`);
    if (first) {
      const details = { id: maskAccount(id), first };
      check.problem(column, `${channel}_id_duplicate`, details);
    }
    accounts[channel] = id;
  }
  return accounts;
}

/** "+86 138-0000-0001" → "13800000001"; other numbers lose spaces only. */
function normalizePhone(phone: string): string {
  return phone.replace(/[\s-]/g, "").replace(/^\+?86(?=1\d{10}$)/, "");
}

/** A userid that is a mobile number (some corps do that) gets masked. */
function maskAccount<T extends string | null>(id: T): T {
  return (id?.replace(/1[3-9]\d{9}/g, (phone) => maskPhone(phone)) ??
    null) as T;
}

// --- Loading ----------------------------------------------------------------

interface Existing {
  id: number;
  unitId: number;
  name: string;
  title: string | null;
  phone: string | null;
  active: boolean;
  roles: Role[];
  accounts: Record<Platform, string | null>;
}

/** Who holds an account now; demo null: a binding whose person is gone. */
interface Holder {
  personId: number;
  channel: Platform;
  externalId: string;
  demo: boolean | null;
}

interface State {
  units: Map<string, { id: number; active: boolean }>;
  unitCodes: Map<number, string>;
  /** Non-demo people, active or not. */
  people: Existing[];
  /** By "channel:lower-case id": SQLite may hold ids differing in case. */
  holders: Map<string, Holder[]>;
}

type Changes = Record<string, { from: unknown; to: unknown }>;

interface Plan {
  creates: RosterRow[];
  updates: { row: RosterRow; person: Existing; changes: Changes }[];
  deactivations: Existing[];
  /** Accounts the file gives to someone else: taken from these holders. */
  taken: Holder[];
}

async function readState(store: Store, q: Db): Promise<State> {
  const { units, people, personRoles, personBindings } = store.t;
  const unitRows = await q.select().from(units);
  const personRows = await q
    .select()
    .from(people)
    .where(eq(people.demo, false))
    .orderBy(asc(people.id));
  const roleRows = await q
    .select({ personId: personRoles.personId, role: personRoles.role })
    .from(personRoles)
    .innerJoin(people, eq(people.id, personRoles.personId))
    .where(eq(people.demo, false));
  const bindingRows = await q
    .select({
      personId: personBindings.personId,
      channel: personBindings.channel,
      externalId: personBindings.externalId,
      demo: people.demo,
    })
    .from(personBindings)
    .leftJoin(people, eq(people.id, personBindings.personId))
    .where(inArray(personBindings.channel, CHANNELS));

  const byId = new Map<number, Existing>();
  for (const row of personRows) {
    const accounts = { wecom: null, dingtalk: null };
    byId.set(row.id, { ...row, roles: [], accounts });
  }
  for (const { personId, role } of roleRows) {
    byId.get(personId)?.roles.push(role as Role);
  }
  const holders = new Map<string, Holder[]>();
  for (const binding of bindingRows) {
    const holder = { ...binding, channel: binding.channel as Platform };
    const key = `${holder.channel}:${holder.externalId.toLowerCase()}`;
    holders.set(key, [...(holders.get(key) ?? []), holder]);
    const person = byId.get(holder.personId);
    if (person) {
      person.accounts[holder.channel] = holder.externalId;
    }
  }
  for (const person of byId.values()) {
    person.roles.sort();
  }
  return {
    units: new Map(unitRows.map((u) => [u.code, u])),
    unitCodes: new Map(unitRows.map((u) => [u.id, u.code])),
    people: [...byId.values()],
    holders,
  };
}

function checkAgainst(state: State, rows: RosterRow[]): RosterIssue[] {
  if (state.units.size === 0) {
    return [issue("units_empty")];
  }
  const issues: RosterIssue[] = [];
  for (const { line, unitCode: code, accounts } of rows) {
    const unit = state.units.get(code);
    if (code !== "" && !unit) {
      issues.push(
        issue("unit_unknown", { line, column: "单位代码" }, { code }),
      );
    } else if (unit && !unit.active) {
      issues.push(
        issue("unit_inactive", { line, column: "单位代码" }, { code }),
      );
    }
    for (const { channel, column } of PLATFORMS) {
      const held = holdersOf(state, channel, accounts[channel]);
      if (held.some((h) => h.demo === true)) {
        const id = maskAccount(accounts[channel]!);
        issues.push(issue(`${channel}_id_demo`, { line, column }, { id }));
      }
    }
  }
  return issues;
}

function holdersOf(state: State, channel: Platform, id: string | null) {
  if (id === null) {
    return [];
  }
  return state.holders.get(`${channel}:${id.toLowerCase()}`) ?? [];
}

function makePlan(state: State, rows: RosterRow[]): Plan {
  // One phone, one person: the active one first, then the oldest.
  const byPhone = new Map<string, Existing>();
  const preferred = [...state.people].sort(
    (a, b) => Number(b.active) - Number(a.active) || a.id - b.id,
  );
  for (const person of preferred) {
    const phone = normalizePhone(person.phone ?? "");
    if (phone && !byPhone.has(phone)) {
      byPhone.set(phone, person);
    }
  }

  const plan: Plan = { creates: [], updates: [], deactivations: [], taken: [] };
  const listed = new Set<number>();
  for (const row of rows) {
    const person = byPhone.get(row.phone);
    for (const channel of CHANNELS) {
      const held = holdersOf(state, channel, row.accounts[channel]);
      plan.taken.push(...held.filter((h) => h.personId !== person?.id));
    }
    if (!person) {
      plan.creates.push(row);
      continue;
    }
    listed.add(person.id);
    const changes = differences(state, row, person);
    if (Object.keys(changes).length > 0) {
      plan.updates.push({ row, person, changes });
    }
  }
  // Someone already inactive may still hold accounts: free them too.
  plan.deactivations = state.people.filter(
    (p) =>
      !listed.has(p.id) &&
      (p.active || CHANNELS.some((c) => p.accounts[c] !== null)),
  );
  return plan;
}

/** What the row changes about the person, phones and ids masked. */
function differences(state: State, row: RosterRow, person: Existing) {
  const changes: Changes = {};
  const compare = (field: string, from: unknown, to: unknown) => {
    if (JSON.stringify(from) !== JSON.stringify(to)) {
      changes[field] = { from, to };
    }
  };
  compare("name", person.name, row.name);
  compare("title", person.title, row.title);
  compare("unit", state.unitCodes.get(person.unitId), row.unitCode);
  if (person.phone !== row.phone) {
    // The same number written another way: both masks look alike.
    const from = maskPhone(person.phone ?? "");
    changes.phone = { from, to: maskPhone(row.phone) };
  }
  compare("active", person.active, true);
  compare("roles", person.roles, row.roles);
  for (const channel of CHANNELS) {
    const [from, to] = [person.accounts[channel], row.accounts[channel]];
    if (from !== to) {
      changes[channel] = { from: maskAccount(from), to: maskAccount(to) };
    }
  }
  return changes;
}

const changedAccounts = (changes: Changes) =>
  CHANNELS.filter((c) => changes[c]);

/** Writes a plan in the caller's transaction, with its audit entries. */
class Writer {
  constructor(
    private readonly store: Store,
    private readonly q: Db,
    private readonly state: State,
    private readonly options: { actor: Actor; now: number },
  ) {}

  async apply(plan: Plan): Promise<void> {
    // Every account that changes hands is freed before any is given out:
    // the (channel, external id) index allows one holder at a time.
    for (const person of plan.deactivations) {
      await this.deactivate(person);
    }
    for (const holder of plan.taken) {
      await this.unbind(holder.personId, [holder.channel]);
    }
    for (const { person, changes } of plan.updates) {
      await this.unbind(person.id, changedAccounts(changes));
    }

    for (const update of plan.updates) {
      await this.update(update, takenFrom(plan, update.row));
    }
    for (const row of plan.creates) {
      await this.create(row, takenFrom(plan, row));
    }
  }

  private async deactivate(person: Existing): Promise<void> {
    const { people } = this.store.t;
    await this.q
      .update(people)
      .set({ active: false })
      .where(eq(people.id, person.id));
    await this.unbind(person.id, CHANNELS);
    await this.record(person.id, "person.deactivate", {
      name: person.name,
      unit: this.state.unitCodes.get(person.unitId),
      wasActive: person.active,
      accountsRemoved: maskedAccounts(person.accounts),
    });
  }

  private async update(
    { row, person, changes }: Plan["updates"][number],
    accountsTakenFrom: unknown,
  ): Promise<void> {
    const { people } = this.store.t;
    await this.q
      .update(people)
      .set(this.values(row))
      .where(eq(people.id, person.id));
    if (changes.roles) {
      await this.grant(person.id, row.roles);
    }
    await this.bind(person.id, row, changedAccounts(changes));
    await this.record(person.id, "person.update", {
      line: row.line,
      changes,
      accountsTakenFrom,
    });
  }

  private async create(
    row: RosterRow,
    accountsTakenFrom: unknown,
  ): Promise<void> {
    const values = { ...this.values(row), demo: false };
    const id = await this.store.insert(this.q, this.store.t.people, values);
    await this.grant(id, row.roles);
    await this.bind(id, row, CHANNELS);
    await this.record(id, "person.create", {
      line: row.line,
      name: row.name,
      unit: row.unitCode,
      title: row.title,
      phone: maskPhone(row.phone),
      roles: row.roles,
      accounts: maskedAccounts(row.accounts),
      accountsTakenFrom,
    });
  }

  private values(row: RosterRow) {
    return {
      unitId: this.state.units.get(row.unitCode)!.id,
      name: row.name,
      title: row.title,
      phone: row.phone,
      active: true,
    };
  }

  private async grant(personId: number, roles: Role[]): Promise<void> {
    const { personRoles } = this.store.t;
    await this.q.delete(personRoles).where(eq(personRoles.personId, personId));
    await this.q
      .insert(personRoles)
      .values(roles.map((role) => ({ personId, role })));
  }

  private async bind(personId: number, row: RosterRow, to: Platform[]) {
    for (const channel of to) {
      const externalId = row.accounts[channel];
      if (externalId !== null) {
        await this.q
          .insert(this.store.t.personBindings)
          .values({ personId, channel, externalId });
      }
    }
  }

  private async unbind(personId: number, from: Platform[]): Promise<void> {
    const { personBindings: b } = this.store.t;
    if (from.length > 0) {
      await this.q
        .delete(b)
        .where(and(eq(b.personId, personId), inArray(b.channel, from)));
    }
  }

  private record(id: number, action: string, detail: object) {
    return audit(this.store, this.q, {
      actor: this.options.actor,
      at: this.options.now,
      subjectType: "person",
      subjectId: id,
      action,
      detail: { ...detail },
    });
  }
}

/** Whose accounts this row takes, person id by channel; none: undefined. */
function takenFrom(plan: Plan, row: RosterRow) {
  const from = plan.taken.filter(
    (h) =>
      h.externalId.toLowerCase() === row.accounts[h.channel]?.toLowerCase(),
  );
  return from.length > 0
    ? Object.fromEntries(from.map((h) => [h.channel, h.personId]))
    : undefined;
}

function maskedAccounts(accounts: Record<Platform, string | null>) {
  const held = CHANNELS.filter((c) => accounts[c] !== null);
  return Object.fromEntries(held.map((c) => [c, maskAccount(accounts[c])]));
}

const FIELD_LABELS: Record<string, string> = {
  name: "姓名",
  title: "职务",
  unit: "单位代码",
  phone: "手机",
  active: "重新启用",
  roles: "角色",
  wecom: "企业微信账号",
  dingtalk: "钉钉账号",
};

function summarize(state: State, plan: Plan, rows: number): RosterSummary {
  const listed = (action: "create" | "update", row: RosterRow) => ({
    action,
    line: row.line,
    name: row.name,
    unitCode: row.unitCode,
  });
  const changes: PersonChange[] = [
    ...plan.creates.map((row) => ({ ...listed("create", row), fields: [] })),
    ...plan.updates.map(({ row, changes }) => ({
      ...listed("update", row),
      fields: Object.keys(changes).map((f) => FIELD_LABELS[f]),
    })),
    ...plan.deactivations.map((p) => ({
      action: "deactivate" as const,
      line: null,
      name: p.name,
      unitCode: state.unitCodes.get(p.unitId) ?? "",
      fields: [],
    })),
  ];
  return {
    created: plan.creates.length,
    updated: plan.updates.length,
    deactivated: plan.deactivations.length,
    unchanged: rows - plan.creates.length - plan.updates.length,
    changes,
  };
}
