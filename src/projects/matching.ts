/**
 * Whether a project HRSS heard of is one an authority reported. Names
 * come from different hands: 遂宁·天悦府二期 on the hotline ticket,
 * 天悦府（二期）项目 on the report. Both are reduced to what carries the
 * meaning (no punctuation, place prefixes, "项目", company forms; 二期 as
 * 2期), then compared by shared character pairs. The result only ranks
 * candidates for a person to confirm: nothing is matched automatically.
 */
import { compactKey } from "./normalize.js";

/** Below this, a project is not shown as a candidate. */
export const MIN_SCORE = 0.5;
/** Candidates shown for one clue. */
export const MAX_CANDIDATES = 5;
/** The name counts this much; the builder the rest, when both have one. */
const NAME_WEIGHT = 0.75;

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 二 → 2, 十二 → 12, 二十三 → 23 (as far as phases and lots go). */
function chineseNumber(text: string): number | undefined {
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(
    text,
  );
  if (!m || (!m[2] && m[3])) {
    return undefined;
  }
  if (!m[2]) {
    return m[1] ? DIGITS[m[1]] : undefined;
  }
  return (m[1] ? DIGITS[m[1]] : 1) * 10 + (m[3] ? DIGITS[m[3]] : 0);
}

/** 二期 → 2期, 三标段 → 3标段, 十二号楼 → 12号楼. */
function numbersAsDigits(text: string): string {
  return text.replace(
    /([零〇一二两三四五六七八九十]+)(?=期|标段|标|号|栋|组团|地块|批)/g,
    (words) => String(chineseNumber(words) ?? words),
  );
}

/** Province and city in front of a name add nothing to tell projects apart. */
const PLACE_PREFIX = /^(四川省?)?(遂宁市?)?/;
const NAME_SUFFIX = /(新建|建设)?(项目|工程)+$/;
const COMPANY_FORM = /(股份)?有限(责任)?公司|集团|公司/g;

/** The part of a project's name that tells it apart. */
export function nameKey(name: string): string {
  let key = numbersAsDigits(compactKey(name)).replace(PLACE_PREFIX, "");
  for (let before = ""; before !== key;) {
    before = key;
    key = key.replace(NAME_SUFFIX, "");
  }
  return key || compactKey(name);
}

/** The part of a builder's name that tells it apart. */
export function builderKey(builder: string): string {
  const key = compactKey(builder)
    .replace(PLACE_PREFIX, "")
    .replace(COMPANY_FORM, "");
  return key || compactKey(builder);
}

/** Character pairs of a text; a single character is its own pair. */
function pairs(text: string): Map<string, number> {
  const chars = [...text];
  const found = new Map<string, number>();
  const grams =
    chars.length < 2 ? chars : chars.slice(1).map((c, i) => chars[i] + c);
  for (const gram of grams) {
    found.set(gram, (found.get(gram) ?? 0) + 1);
  }
  return found;
}

/**
 * 0 … 1: the Dice coefficient of the character pairs, raised when one
 * text holds the other whole (天悦府 in 天悦府2期).
 */
export function similarity(a: string, b: string): number {
  if (!a || !b) {
    return 0;
  }
  if (a === b) {
    return 1;
  }
  const left = pairs(a);
  const right = pairs(b);
  let shared = 0;
  for (const [gram, n] of left) {
    shared += Math.min(n, right.get(gram) ?? 0);
  }
  const total = [...left.values(), ...right.values()].reduce((x, y) => x + y);
  const dice = (2 * shared) / total;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const held =
    [...short].length >= 2 && long.includes(short)
      ? 0.6 + (0.4 * [...short].length) / [...long].length
      : 0;
  return Math.max(dice, held);
}

export interface Named {
  name: string;
  builder: string;
}

export interface Score {
  /** Overall, 0 … 1. */
  score: number;
  nameScore: number;
  /** Null when either side has no builder. */
  builderScore: number | null;
}

/** How alike a clue and a reported project are. */
export function score(clue: Named, project: Named): Score {
  const nameScore = similarity(nameKey(clue.name), nameKey(project.name));
  if (!clue.builder.trim() || !project.builder.trim()) {
    return { score: nameScore, nameScore, builderScore: null };
  }
  const builderScore = similarity(
    builderKey(clue.builder),
    builderKey(project.builder),
  );
  return {
    score: NAME_WEIGHT * nameScore + (1 - NAME_WEIGHT) * builderScore,
    nameScore,
    builderScore,
  };
}

/**
 * Keeps the best few of the projects seen so far, best first. Feed it
 * pages of projects; read `best` at the end.
 */
export class Ranking<T extends Named & { id: number }> {
  readonly best: (Score & { project: T })[] = [];

  constructor(private readonly clue: Named) {}

  add(projects: readonly T[]): void {
    for (const project of projects) {
      const s = score(this.clue, project);
      if (s.score >= MIN_SCORE) {
        this.best.push({ ...s, project });
      }
    }
    this.best.sort((a, b) => b.score - a.score || b.project.id - a.project.id);
    this.best.splice(MAX_CANDIDATES);
  }
}
