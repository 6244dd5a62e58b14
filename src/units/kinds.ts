/** Department kinds the rules refer to (spec section 1). */

/** 行业主管部门: report projects, take source cases, patrol monthly. */
export const INDUSTRY_KINDS = [
  "natres",
  "housing",
  "transport",
  "agri",
  "water",
];

/** Who may take a source case: industry authorities, 发改, 国资委, 经信. */
export const SOURCE_CASE_KINDS = [...INDUSTRY_KINDS, "ndrc", "sasac", "econ"];

/** Suspected crimes go to the police. */
export const CRIME_CASE_KINDS = ["police"];

/** Who refers: HRSS, and the petitions bureau with its wage clues. */
export const REFERRER_KINDS = ["hrss", "petitions"];

export const ROLES = ["liaison", "leader", "caseworker", "admin"] as const;
export type Role = (typeof ROLES)[number];
