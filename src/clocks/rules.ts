/** The mechanism's working-day deadlines (spec sections 2, 3.2, 3.3). */
export interface ClockRule {
  /** Working days allowed after the triggering day. */
  workdays: number;
  /** What the deadline is called, for people. */
  label: string;
}

export const CLOCK_RULES = {
  /** HRSS refers a source case within 5 working days of finding it. */
  "referral.refer": { workdays: 5, label: "移送期限" },
  /** The handling unit feeds back within 30 working days of the referral. */
  "referral.feedback": { workdays: 30, label: "反馈期限" },
} as const satisfies Record<string, ClockRule>;

export type RuleName = keyof typeof CLOCK_RULES;

/** Overdue by this many working days or more: report to the government office. */
export const ESCALATION_WORKDAYS = 5;

/** The morning reminder lists items due within this many working days. */
export const REMIND_WITHIN_WORKDAYS = 2;
