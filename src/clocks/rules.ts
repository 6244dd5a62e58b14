/** The mechanism's working-day deadlines (spec sections 2, 3.1–3.3). */
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
  /**
   * An industry authority reports a new project within 5 working days of
   * its start date (spec 3.1.1).
   */
  "project.report": { workdays: 5, label: "项目报送期限" },
  /**
   * HRSS checks a reported project on site within 10 working days of
   * receiving the report (spec 3.1.2).
   */
  "project.check": { workdays: 10, label: "现场核查期限" },
  /**
   * Findings are corrected by a date the inspector sets. The clock starts
   * on that date and counts no working days, so its deadline is the date
   * itself and a change of the calendar never moves it.
   */
  "project.correction": { workdays: 0, label: "整改期限" },
} as const satisfies Record<string, ClockRule>;

export type RuleName = keyof typeof CLOCK_RULES;

/** Overdue by this many working days or more: report to the government office. */
export const ESCALATION_WORKDAYS = 5;

/** Omissions in a year from which a unit is reported to the office. */
export const OMISSIONS_TO_ESCALATE = 5;

/** The morning reminder lists items due within this many working days. */
export const REMIND_WITHIN_WORKDAYS = 2;
