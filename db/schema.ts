/**
 * The database schema, written once for SQLite. `db/schema-mysql.ts` derives
 * the MySQL tables from these definitions, so both engines always have the
 * same tables, columns and indexes.
 *
 * Conventions: instants are epoch milliseconds in UTC (`*_at`, never NULL
 * unless the comment says what NULL means); calendar dates are "YYYY-MM-DD"
 * text in Asia/Shanghai (`*_date`); money is integer fen (`*_fen`).
 * Short texts carry a length so that MySQL can index them as VARCHAR.
 */

import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const id = () => integer("id").primaryKey({ autoIncrement: true });
const instant = (name: string) => integer(name);
const date = (name: string) => text(name, { length: 10 });
const short = (name: string, length = 64) => text(name, { length });
const flag = (name: string) => integer(name, { mode: "boolean" });

/** Member units (成员单位) at every level: the city's, counties', parks'. */
export const units = sqliteTable(
  "units",
  {
    id: id(),
    /** Stable key from the seed file, e.g. "city.housing", "anju.hrss". */
    code: short("code").notNull(),
    name: short("name", 128).notNull(),
    shortName: short("short_name", 64).notNull(),
    /** The area it belongs to: "city" or a county's or park's code. */
    region: short("region", 32).notNull(),
    regionName: short("region_name", 64).notNull(),
    /** "city", "county" or "park": the level of its area. */
    level: short("level", 16).notNull(),
    /** Department kind shared across levels: "hrss", "housing", "police"… */
    kind: short("kind", 32).notNull(),
    /** Prefix of its referral numbers, e.g. 遂人社移; NULL if it never refers. */
    docPrefix: short("doc_prefix", 32),
    active: flag("active").notNull().default(true),
  },
  (t) => [
    uniqueIndex("units_code_uq").on(t.code),
    index("units_kind_idx").on(t.kind),
  ],
);

export const people = sqliteTable(
  "people",
  {
    id: id(),
    unitId: integer("unit_id").notNull(),
    name: short("name", 64).notNull(),
    title: short("title", 64),
    phone: short("phone", 32),
    /** Demo people exist only for the simulator and are never bound elsewhere. */
    demo: flag("demo").notNull().default(false),
    active: flag("active").notNull().default(true),
  },
  (t) => [index("people_unit_idx").on(t.unitId)],
);

/** "liaison", "leader", "caseworker" (refers cases), "admin". */
export const personRoles = sqliteTable(
  "person_roles",
  {
    personId: integer("person_id").notNull(),
    role: short("role", 32).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.role] })],
);

/** Who a person is on a chat platform (simulator, WeCom, DingTalk). */
export const personBindings = sqliteTable(
  "person_bindings",
  {
    personId: integer("person_id").notNull(),
    channel: short("channel", 16).notNull(),
    externalId: short("external_id", 128).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.personId, t.channel] }),
    uniqueIndex("person_bindings_ext_uq").on(t.channel, t.externalId),
  ],
);

/** Group chats the bot posts summaries to, e.g. the mechanism's group. */
export const chatGroups = sqliteTable(
  "chat_groups",
  {
    id: id(),
    code: short("code").notNull(),
    name: short("name", 128).notNull(),
  },
  (t) => [uniqueIndex("chat_groups_code_uq").on(t.code)],
);

export const groupBindings = sqliteTable(
  "group_bindings",
  {
    groupId: integer("group_id").notNull(),
    channel: short("channel", 16).notNull(),
    externalId: short("external_id", 255).notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.channel] })],
);

/** Calendar overrides an administrator loaded; they win over the package. */
export const calendarDays = sqliteTable("calendar_days", {
  date: date("date").primaryKey(),
  workday: flag("workday").notNull(),
  name: short("name", 64),
  loadedAt: instant("loaded_at").notNull(),
});

/** Years an administrator declared complete by loading a whole schedule. */
export const calendarYears = sqliteTable("calendar_years", {
  year: integer("year").primaryKey(),
  source: short("source", 255).notNull(),
  loadedAt: instant("loaded_at").notNull(),
});

/**
 * A deadline of the mechanism. Workflows start and stop clocks; only the
 * clock engine computes `dueDate` and `dueAt`.
 */
export const clocks = sqliteTable(
  "clocks",
  {
    id: id(),
    subjectType: short("subject_type", 32).notNull(),
    subjectId: integer("subject_id").notNull(),
    /** Rule name from src/clocks/rules.ts, e.g. "referral.feedback". */
    rule: short("rule", 64).notNull(),
    /** The unit whose clock it is: it gets the reminders. */
    unitId: integer("unit_id").notNull(),
    /** "open" or "stopped". */
    status: short("status", 16).notNull(),
    /** Day of the triggering event (not counted). */
    startDate: date("start_date").notNull(),
    /** Working days allowed, extensions included. */
    workdays: integer("workdays").notNull(),
    extensionDays: integer("extension_days").notNull().default(0),
    /** Deadline as first computed, kept when extensions move `dueDate`. */
    originalDueDate: date("original_due_date").notNull(),
    dueDate: date("due_date").notNull(),
    /** End of `dueDate` (24:00 Shanghai) as an instant: what queries use. */
    dueAt: instant("due_at").notNull(),
    /** The count crossed days the calendar has no data for. */
    provisional: flag("provisional").notNull().default(false),
    /** 0 none, 1 unit leader told, 2 escalated to the government office. */
    escalationLevel: integer("escalation_level").notNull().default(0),
    /** NULL while open. */
    stoppedAt: instant("stopped_at"),
    /** Working days late when stopped; NULL while open or when on time. */
    lateDays: integer("late_days"),
    createdAt: instant("created_at").notNull(),
  },
  (t) => [
    index("clocks_due_idx").on(t.status, t.dueAt),
    index("clocks_subject_idx").on(t.subjectType, t.subjectId),
  ],
);

export const referrals = sqliteTable(
  "referrals",
  {
    id: id(),
    /** e.g. 遂人社移〔2026〕12号 */
    number: short("number", 64).notNull(),
    year: integer("year").notNull(),
    seq: integer("seq").notNull(),
    /** "source" (源头性) or "crime" (涉嫌拒不支付劳动报酬罪). */
    kind: short("kind", 16).notNull(),
    /**
     * "pending_receipt", "returned", "in_progress", "feedback_submitted",
     * "closed".
     */
    status: short("status", 32).notNull(),
    referringUnitId: integer("referring_unit_id").notNull(),
    /** The unit that must sign and act now. */
    handlingUnitId: integer("handling_unit_id").notNull(),
    /** The city unit that passed it down and supervises; NULL if none. */
    supervisingUnitId: integer("supervising_unit_id"),
    caseName: short("case_name", 200).notNull(),
    cause: short("cause", 200).notNull(),
    complainantName: short("complainant_name", 64).notNull(),
    companyName: short("company_name", 200).notNull(),
    headCount: integer("head_count").notNull(),
    amountFen: integer("amount_fen").notNull(),
    foundDate: date("found_date").notNull(),
    referralDate: date("referral_date").notNull(),
    contactName: short("contact_name", 64).notNull(),
    contactPhone: short("contact_phone", 32).notNull(),
    fileVolumes: integer("file_volumes").notNull(),
    filePages: integer("file_pages").notNull(),
    exhibits: short("exhibits", 500).notNull(),
    /** Working days the referral itself was late (5-day rule); 0 if on time. */
    referralLateDays: integer("referral_late_days").notNull(),
    createdBy: integer("created_by").notNull(),
    createdAt: instant("created_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
    closedAt: instant("closed_at"),
    /** Bumped by every change; updates check it (optimistic locking). */
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("referrals_number_uq").on(t.referringUnitId, t.year, t.seq),
    index("referrals_handling_idx").on(t.handlingUnitId, t.status),
    index("referrals_referring_idx").on(t.referringUnitId, t.status),
    index("referrals_date_idx").on(t.referralDate),
  ],
);

/** Attachment 2, one per unit that signed (the city unit, then a county's). */
export const receipts = sqliteTable(
  "receipts",
  {
    id: id(),
    referralId: integer("referral_id").notNull(),
    unitId: integer("unit_id").notNull(),
    signedBy: integer("signed_by").notNull(),
    signerName: short("signer_name", 64).notNull(),
    handedOverBy: short("handed_over_by", 64).notNull(),
    volumes: integer("volumes").notNull(),
    pages: integer("pages").notNull(),
    exhibits: short("exhibits", 500).notNull(),
    handoverDate: date("handover_date").notNull(),
    signedDate: date("signed_date").notNull(),
    signedAt: instant("signed_at").notNull(),
    channel: short("channel", 16).notNull(),
  },
  (t) => [uniqueIndex("receipts_unit_uq").on(t.referralId, t.unitId)],
);

export const referralReturns = sqliteTable(
  "referral_returns",
  {
    id: id(),
    referralId: integer("referral_id").notNull(),
    unitId: integer("unit_id").notNull(),
    reason: short("reason", 500).notNull(),
    returnedBy: integer("returned_by").notNull(),
    returnedAt: instant("returned_at").notNull(),
    /** NULL while the referring unit decides; "redirected" or "overruled". */
    resolution: short("resolution", 16),
    resolvedBy: integer("resolved_by"),
    resolvedAt: instant("resolved_at"),
    redirectedTo: integer("redirected_to"),
  },
  (t) => [index("referral_returns_unit_idx").on(t.unitId)],
);

export const passDowns = sqliteTable("pass_downs", {
  id: id(),
  referralId: integer("referral_id").notNull(),
  fromUnitId: integer("from_unit_id").notNull(),
  toUnitId: integer("to_unit_id").notNull(),
  note: short("note", 500),
  by: integer("by").notNull(),
  at: instant("at").notNull(),
});

export const extensionRequests = sqliteTable(
  "extension_requests",
  {
    id: id(),
    referralId: integer("referral_id").notNull(),
    unitId: integer("unit_id").notNull(),
    workdays: integer("workdays").notNull(),
    reason: short("reason", 500).notNull(),
    requestedBy: integer("requested_by").notNull(),
    requestedAt: instant("requested_at").notNull(),
    /** "pending", "approved", "refused" or "withdrawn" (feedback came first). */
    status: short("status", 16).notNull(),
    decidedBy: integer("decided_by"),
    decidedAt: instant("decided_at"),
  },
  (t) => [index("extension_requests_referral_idx").on(t.referralId)],
);

/** Feedback (lower half of attachment 3 or 4); each submission is kept. */
export const feedbacks = sqliteTable(
  "feedbacks",
  {
    id: id(),
    referralId: integer("referral_id").notNull(),
    unitId: integer("unit_id").notNull(),
    /** The form's values as JSON, per the referral kind's schema. */
    data: text("data").notNull(),
    recoveredWorkers: integer("recovered_workers").notNull(),
    recoveredFen: integer("recovered_fen").notNull(),
    submittedBy: integer("submitted_by").notNull(),
    submittedAt: instant("submitted_at").notNull(),
    /** "submitted", "accepted" or "sent_back". */
    status: short("status", 16).notNull(),
    reviewReason: short("review_reason", 500),
    reviewedBy: integer("reviewed_by"),
    reviewedAt: instant("reviewed_at"),
  },
  (t) => [index("feedbacks_referral_idx").on(t.referralId)],
);

/** One urge (催办) per referral per day at most. */
export const urges = sqliteTable(
  "urges",
  {
    id: id(),
    referralId: integer("referral_id").notNull(),
    date: date("date").notNull(),
    by: integer("by").notNull(),
    at: instant("at").notNull(),
  },
  (t) => [uniqueIndex("urges_day_uq").on(t.referralId, t.date)],
);

/** Sequential numbers per unit per year. */
export const docCounters = sqliteTable(
  "doc_counters",
  {
    unitId: integer("unit_id").notNull(),
    year: integer("year").notNull(),
    last: integer("last").notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.year] })],
);

/** The register of what is reported to the city government office. */
export const escalations = sqliteTable(
  "escalations",
  {
    id: id(),
    clockId: integer("clock_id").notNull(),
    unitId: integer("unit_id").notNull(),
    subjectType: short("subject_type", 32).notNull(),
    subjectId: integer("subject_id").notNull(),
    overdueDays: integer("overdue_days").notNull(),
    escalatedOn: date("escalated_on").notNull(),
  },
  (t) => [uniqueIndex("escalations_clock_uq").on(t.clockId)],
);

/**
 * Every message to a platform goes here first, in the transaction of the
 * change that caused it; the delivery worker sends it.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: id(),
    dedupeKey: short("dedupe_key", 191).notNull(),
    /** "person" or "group". */
    targetType: short("target_type", 16).notNull(),
    targetId: integer("target_id").notNull(),
    /** Neutral message as JSON (src/channels/types.ts). */
    payload: text("payload").notNull(),
    /** For cards and card updates: the card's stable key. */
    cardKey: short("card_key", 128),
    /** "pending", "sent", "failed" (gave up; an administrator sees it). */
    status: short("status", 16).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Not before this instant: office hours, backoff. */
    nextAttemptAt: instant("next_attempt_at").notNull(),
    /** A worker's claim; NULL or past means free. */
    lockedUntil: instant("locked_until"),
    lastError: short("last_error", 500),
    createdAt: instant("created_at").notNull(),
    sentAt: instant("sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_dedupe_uq").on(t.dedupeKey),
    index("outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("outbox_card_idx").on(t.cardKey),
  ],
);

/** Where a card was delivered, so that a change can update every copy. */
export const cardDeliveries = sqliteTable(
  "card_deliveries",
  {
    id: id(),
    cardKey: short("card_key", 128).notNull(),
    personId: integer("person_id").notNull(),
    channel: short("channel", 16).notNull(),
    /** The platform's handle for updating it (message id, task id…). */
    externalRef: short("external_ref", 255).notNull(),
    deliveredAt: instant("delivered_at").notNull(),
  },
  (t) => [
    uniqueIndex("card_deliveries_uq").on(t.cardKey, t.personId, t.channel),
  ],
);

/** Every action that arrived, stored before it is handled. */
export const inboundEvents = sqliteTable(
  "inbound_events",
  {
    id: id(),
    dedupeKey: short("dedupe_key", 191).notNull(),
    channel: short("channel", 16).notNull(),
    payload: text("payload").notNull(),
    receivedAt: instant("received_at").notNull(),
    handledAt: instant("handled_at"),
    /** The answer given, as JSON, so that a repeat gets the same answer. */
    result: text("result"),
  },
  (t) => [uniqueIndex("inbound_events_dedupe_uq").on(t.dedupeKey)],
);

/** Append-only: triggers in the migrations refuse UPDATE and DELETE. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: id(),
    at: instant("at").notNull(),
    actorId: integer("actor_id"),
    /** Person's name, or "system" for jobs. */
    actorName: short("actor_name", 64).notNull(),
    channel: short("channel", 16).notNull(),
    subjectType: short("subject_type", 32).notNull(),
    subjectId: integer("subject_id").notNull(),
    action: short("action", 64).notNull(),
    /** JSON: what changed. */
    detail: text("detail").notNull(),
  },
  (t) => [index("audit_subject_idx").on(t.subjectType, t.subjectId)],
);

/** The simulator's chat: what each person (or the group) sees. */
export const simMessages = sqliteTable(
  "sim_messages",
  {
    id: id(),
    /** "person:12" or "group:3". */
    inbox: short("inbox", 32).notNull(),
    cardKey: short("card_key", 128),
    payload: text("payload").notNull(),
    createdAt: instant("created_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
  },
  (t) => [index("sim_messages_inbox_idx").on(t.inbox, t.id)],
);

/** One row per scheduled run; the first process to insert it runs it. */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    job: short("job", 64).notNull(),
    runKey: short("run_key", 64).notNull(),
    /** "running", "done" or "failed". */
    status: short("status", 16).notNull(),
    lockedUntil: instant("locked_until").notNull(),
    startedAt: instant("started_at").notNull(),
    finishedAt: instant("finished_at"),
    summary: text("summary"),
  },
  (t) => [primaryKey({ columns: [t.job, t.runKey] })],
);

/**
 * What a platform pushed to us (a WeCom callback, a DingTalk frame), kept
 * before it is acknowledged and handled after. The dedupe key makes a
 * redelivery a no-op; a crash between the two leaves it "pending" for the
 * next start.
 */
export const inboundQueue = sqliteTable(
  "inbound_queue",
  {
    id: id(),
    channel: short("channel", 16).notNull(),
    dedupeKey: short("dedupe_key", 191).notNull(),
    /** The parsed push as JSON. */
    payload: text("payload").notNull(),
    /** "pending", "done", or "failed" (gave up; an administrator sees it). */
    status: short("status", 16).notNull(),
    attempts: integer("attempts").notNull().default(0),
    receivedAt: instant("received_at").notNull(),
    handledAt: instant("handled_at"),
    lastError: short("last_error", 500),
  },
  (t) => [
    uniqueIndex("inbound_queue_dedupe_uq").on(t.dedupeKey),
    index("inbound_queue_status_idx").on(t.status, t.id),
  ],
);

/**
 * Every WeCom template card we sent: one task per sending to one person.
 * Response codes (from the send and from that person's clicks) are what
 * let us change the card later; each is single use and ages out.
 */
export const wecomCards = sqliteTable(
  "wecom_cards",
  {
    id: id(),
    taskId: short("task_id", 128).notNull(),
    cardKey: short("card_key", 128).notNull(),
    personId: integer("person_id").notNull(),
    userid: short("userid", 128).notNull(),
    /**
     * Unused response codes as JSON, [{"code": …, "at": ms}]: one from the
     * send, one per click. Each changes the card once, within its window.
     */
    responseCodes: text("response_codes").notNull(),
    /** The neutral card this copy shows now, as JSON. */
    card: text("card").notNull(),
    sentAt: instant("sent_at").notNull(),
    /** A newer card replaced this one; NULL while it is current. */
    supersededAt: instant("superseded_at"),
  },
  (t) => [
    uniqueIndex("wecom_cards_task_uq").on(t.taskId),
    index("wecom_cards_card_idx").on(t.cardKey, t.personId),
  ],
);

/**
 * Metered platform API calls per calendar month (Asia/Shanghai), for
 * quotas like DingTalk's monthly allowance: counted as they are made,
 * shown to an administrator.
 */
export const platformCalls = sqliteTable(
  "platform_calls",
  {
    channel: short("channel", 16).notNull(),
    /** "2026-12" */
    month: short("month", 7).notNull(),
    calls: integer("calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.channel, t.month] })],
);

/**
 * Every DingTalk interactive card we created: one instance per sending to
 * one member's chat with the robot. The outTrackId names it for updates
 * and comes back with every click.
 */
export const dingtalkCards = sqliteTable(
  "dingtalk_cards",
  {
    id: id(),
    outTrackId: short("out_track_id", 128).notNull(),
    cardKey: short("card_key", 128).notNull(),
    personId: integer("person_id").notNull(),
    userId: short("user_id", 128).notNull(),
    /** The neutral card this copy shows now, as JSON. */
    card: text("card").notNull(),
    sentAt: instant("sent_at").notNull(),
  },
  (t) => [
    uniqueIndex("dingtalk_cards_track_uq").on(t.outTrackId),
    index("dingtalk_cards_card_idx").on(t.cardKey, t.personId),
  ],
);

/**
 * Exported tables waiting to be fetched: the file is on disk under
 * EXPORT_DIR, named by an unguessable token; only the person it was made
 * for may fetch it, until it expires.
 */
export const exportFiles = sqliteTable(
  "export_files",
  {
    id: id(),
    token: short("token", 64).notNull(),
    personId: integer("person_id").notNull(),
    fileName: short("file_name", 255).notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: instant("created_at").notNull(),
    expiresAt: instant("expires_at").notNull(),
  },
  (t) => [uniqueIndex("export_files_token_uq").on(t.token)],
);

/**
 * A reception campaign (集中接访, spec 3.5): HRSS names the period, the
 * daily duty hours and the sites; units send duty officers to their site.
 * Its reminders ignore the working-day calendar: a campaign runs on
 * holidays. Times of day are "HH:MM" in Asia/Shanghai.
 */
export const campaigns = sqliteTable(
  "campaigns",
  {
    id: id(),
    name: short("name", 100).notNull(),
    /** The HRSS that runs it and gets the daily summary. */
    organizerUnitId: integer("organizer_unit_id").notNull(),
    startDate: date("start_date").notNull(),
    endDate: date("end_date").notNull(),
    dutyStart: short("duty_start", 5).notNull(),
    dutyEnd: short("duty_end", 5).notNull(),
    /** Units that have not named officers by then are reminded. */
    nominateBy: instant("nominate_by").notNull(),
    /** Minutes after the duty start: the officer is reminded… */
    remindAfterMin: integer("remind_after_min").notNull(),
    /** …and then the unit's liaison and leader are told. */
    escalateAfterMin: integer("escalate_after_min").notNull(),
    /** The daily dispatch report is due by this time of day. */
    reportDue: short("report_due", 5).notNull(),
    /** The consolidated daily summary goes out at this time of day. */
    summaryAt: short("summary_at", 5).notNull(),
    /** "active" or "cancelled". */
    status: short("status", 16).notNull(),
    createdBy: integer("created_by").notNull(),
    createdAt: instant("created_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
    version: integer("version").notNull().default(1),
  },
  (t) => [index("campaigns_dates_idx").on(t.status, t.endDate)],
);

/** A reception site: the labour bureau (HRSS) of the city, a county or park. */
export const campaignSites = sqliteTable(
  "campaign_sites",
  {
    id: id(),
    campaignId: integer("campaign_id").notNull(),
    /** The HRSS that hosts it, files its daily report and sees its roll. */
    hostUnitId: integer("host_unit_id").notNull(),
    address: short("address", 200).notNull(),
  },
  (t) => [uniqueIndex("campaign_sites_uq").on(t.campaignId, t.hostUnitId)],
);

/** Which unit sends its officers to which site. */
export const campaignUnits = sqliteTable(
  "campaign_units",
  {
    campaignId: integer("campaign_id").notNull(),
    unitId: integer("unit_id").notNull(),
    siteId: integer("site_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.unitId] })],
);

/**
 * One duty officer on one campaign day: named by the unit, then checked in
 * and out by message (or recorded by the site's HRSS on their behalf).
 */
export const dutyShifts = sqliteTable(
  "duty_shifts",
  {
    id: id(),
    campaignId: integer("campaign_id").notNull(),
    siteId: integer("site_id").notNull(),
    unitId: integer("unit_id").notNull(),
    personId: integer("person_id").notNull(),
    date: date("date").notNull(),
    nominatedBy: integer("nominated_by").notNull(),
    nominatedAt: instant("nominated_at").notNull(),
    /** NULL until the officer checks in. */
    checkedInAt: instant("checked_in_at"),
    checkInChannel: short("check_in_channel", 16),
    /** Where the platform said the officer was, as JSON; NULL if unknown. */
    checkInLocation: short("check_in_location", 500),
    checkedOutAt: instant("checked_out_at"),
    checkOutChannel: short("check_out_channel", 16),
    checkOutLocation: short("check_out_location", 500),
    /** Set when the site's HRSS recorded the attendance for the officer. */
    recordedBy: integer("recorded_by"),
    remarks: short("remarks", 200),
  },
  (t) => [
    uniqueIndex("duty_shifts_uq").on(t.campaignId, t.personId, t.date),
    index("duty_shifts_day_idx").on(t.campaignId, t.date),
    index("duty_shifts_person_idx").on(t.personId, t.date),
  ],
);

/** A site's daily dispatch report (日调度) for one campaign day. */
export const dispatchReports = sqliteTable(
  "dispatch_reports",
  {
    id: id(),
    campaignId: integer("campaign_id").notNull(),
    siteId: integer("site_id").notNull(),
    date: date("date").notNull(),
    /** Batches of visitors received (接待来访批次). */
    visits: integer("visits").notNull(),
    /** People received (接待人数). */
    visitors: integer("visitors").notNull(),
    /** Wage cases handled (处理欠薪案件). */
    cases: integer("cases").notNull(),
    /** Wages recovered for workers (追回工资), integer fen. */
    amountFen: integer("amount_fen").notNull(),
    /** Incidents (突发事件) that day. */
    incidents: integer("incidents").notNull(),
    remarks: short("remarks", 1000).notNull(),
    submittedBy: integer("submitted_by").notNull(),
    submittedAt: instant("submitted_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("dispatch_reports_uq").on(t.campaignId, t.siteId, t.date),
  ],
);

/**
 * A newly started construction project (attachment 1, spec 3.1) as an
 * industry authority reported it, one row per project. The same project
 * (name and builder compared without spaces, width or punctuation) is
 * kept once, whoever reports it again.
 */
export const projects = sqliteTable(
  "projects",
  {
    id: id(),
    /** The industry authority that reported it. */
    unitId: integer("unit_id").notNull(),
    /** The HRSS it was reported to: it checks the project on site. */
    hrssUnitId: integer("hrss_unit_id").notNull(),
    /** SHA-256 (hex) of projectIdentity(name, builder): finds repeats. */
    identityKey: short("identity_key", 64).notNull(),
    /** 管辖区域 as written, and the area it names ("city", "chuanshan"…). */
    jurisdiction: short("jurisdiction", 64).notNull(),
    region: short("region", 32).notNull(),
    name: short("name", 200).notNull(),
    address: short("address", 200).notNull(),
    builder: short("builder", 200).notNull(),
    startDate: date("start_date").notNull(),
    /** 合同约定工期 as written: "365天", "2026-10-01至2027-09-30". */
    duration: short("duration", 100).notNull(),
    government: flag("government").notNull(),
    contractor: short("contractor", 200).notNull(),
    /** The contractor's project manager and phone: personal data. */
    manager: short("manager", 64).notNull(),
    phone: short("phone", 32).notNull(),
    contractPriceFen: integer("contract_price_fen").notNull(),
    paymentMethod: short("payment_method", 200).notNull(),
    /** 工程款拨付进度 in hundredths of a percent, 0 … 10 000. */
    paymentProgressBp: integer("payment_progress_bp").notNull(),
    remarks: short("remarks", 500).notNull(),
    /** "form" (one project on the page) or "sheet" (an uploaded table). */
    source: short("source", 16).notNull(),
    /** The upload it came in; NULL when reported on the form. */
    importId: integer("import_id"),
    /** The day HRSS received it (the report's day, Shanghai). */
    reportedDate: date("reported_date").notNull(),
    reportedAt: instant("reported_at").notNull(),
    reportedBy: integer("reported_by").notNull(),
    /** End of the 5 working days after the start date. */
    reportDueDate: date("report_due_date").notNull(),
    /** Working days the report came after `reportDueDate`; 0 on time. */
    reportLateDays: integer("report_late_days").notNull(),
    /** "reported", "checked", "correcting" or "corrected". */
    status: short("status", 16).notNull(),
    createdAt: instant("created_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
    /** Bumped by every change; updates check it (optimistic locking). */
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("projects_identity_uq").on(t.identityKey),
    index("projects_unit_idx").on(t.unitId, t.startDate),
    index("projects_hrss_idx").on(t.hrssUnitId, t.status),
    index("projects_late_idx").on(t.reportLateDays),
  ],
);

/** One upload of attachment 1: what it held and who sent it. */
export const projectImports = sqliteTable(
  "project_imports",
  {
    id: id(),
    unitId: integer("unit_id").notNull(),
    fileName: short("file_name", 255).notNull(),
    /** SHA-256 (hex) of the file's bytes. */
    fileHash: short("file_hash", 64).notNull(),
    /** Projects stored from it. */
    imported: integer("imported").notNull(),
    /** Rows naming a project reported before: recognised, not stored. */
    duplicates: integer("duplicates").notNull(),
    /** 填报单位, 填报人员, 填表时间… from the lines around the table, JSON. */
    meta: text("meta").notNull(),
    importedBy: integer("imported_by").notNull(),
    importedAt: instant("imported_at").notNull(),
  },
  (t) => [index("project_imports_unit_idx").on(t.unitId)],
);

/** HRSS's site check (现场核查) of a reported project: one per project. */
export const siteChecks = sqliteTable(
  "site_checks",
  {
    id: id(),
    projectId: integer("project_id").notNull(),
    hrssUnitId: integer("hrss_unit_id").notNull(),
    inspectorId: integer("inspector_id").notNull(),
    /** Who went, as the record names them (the inspector and colleagues). */
    inspectors: short("inspectors", 200).notNull(),
    checkDate: date("check_date").notNull(),
    /** Working days the check came after its deadline; 0 on time. */
    lateDays: integer("late_days").notNull(),
    /** Finding codes (src/projects/forms.ts) as a JSON array; [] none. */
    findings: short("findings", 500).notNull(),
    note: short("note", 1000).notNull(),
    /** The date set for correcting the findings; NULL without findings. */
    correctionDeadline: date("correction_deadline"),
    /** NULL until the correction is recorded. */
    correctedDate: date("corrected_date"),
    correctedBy: integer("corrected_by"),
    correctionNote: short("correction_note", 1000),
    /** Working days the correction came after the deadline; 0 on time. */
    correctionLateDays: integer("correction_late_days"),
    recordedAt: instant("recorded_at").notNull(),
  },
  (t) => [uniqueIndex("site_checks_project_uq").on(t.projectId)],
);

/**
 * A project HRSS learned of elsewhere (线索): the online platform, a
 * higher-level assignment, a walk-in visitor, the 12345 hotline, its own
 * patrol. Matched to a report, or confirmed as an omission (漏报) of the
 * responsible unit.
 */
export const projectClues = sqliteTable(
  "project_clues",
  {
    id: id(),
    /** The HRSS that recorded it and decides on it. */
    hrssUnitId: integer("hrss_unit_id").notNull(),
    /** "platform", "assigned", "visit", "hotline" or "patrol". */
    source: short("source", 16).notNull(),
    learnedDate: date("learned_date").notNull(),
    name: short("name", 200).notNull(),
    /** Blank when the source did not say. */
    builder: short("builder", 200).notNull(),
    address: short("address", 200).notNull(),
    /** The industry authority that should have reported it. */
    responsibleUnitId: integer("responsible_unit_id").notNull(),
    note: short("note", 1000).notNull(),
    /** "unmatched", "matched" (to `projectId`) or "omission". */
    status: short("status", 16).notNull(),
    projectId: integer("project_id"),
    /** The year the omission counts in (of `learnedDate`); NULL otherwise. */
    omissionYear: integer("omission_year"),
    recordedBy: integer("recorded_by").notNull(),
    recordedAt: instant("recorded_at").notNull(),
    decidedBy: integer("decided_by"),
    decidedAt: instant("decided_at"),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    index("project_clues_status_idx").on(t.status, t.hrssUnitId),
    index("project_clues_omission_idx").on(t.omissionYear, t.responsibleUnitId),
  ],
);

/**
 * Units reported to the government office for omissions adding up to 5
 * or more in a year: once per unit and year, beside `escalations`, which
 * holds what a clock caused.
 */
export const omissionEscalations = sqliteTable(
  "omission_escalations",
  {
    unitId: integer("unit_id").notNull(),
    year: integer("year").notNull(),
    /** Omissions counted when the unit was listed. */
    omissions: integer("omissions").notNull(),
    escalatedOn: date("escalated_on").notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.year] })],
);
