import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { referralBody, startWeb, type Running } from "./server.js";

let web: Running;

beforeEach(async () => {
  web = await startWeb();
});

afterEach(async () => {
  await web.close();
});

/** A message to someone no enabled channel reaches: it fails at once. */
async function undeliverable(): Promise<number> {
  const { bot } = web;
  const now = bot.ctx.clock.now();
  await bot.ctx.store.tx((q) =>
    bot.ctx.outbox.enqueue(
      q,
      {
        dedupeKey: "test:nobody",
        target: { type: "person", id: 987_654 },
        body: { type: "text", text: "测试" },
        notBefore: now,
      },
      now,
    ),
  );
  await bot.deliverNow();
  const { outbox } = bot.ctx.store.t;
  const [row] = await bot.ctx.store.db
    .select()
    .from(outbox)
    .where(eq(outbox.dedupeKey, "test:nobody"));
  return row.id;
}

describe("the administrator's page", () => {
  it("shows a message that could not be delivered, with the reason", async () => {
    const id = await undeliverable();
    const admin = await web.signIn("系统管理员");

    const res = await web.call("GET", "/api/admin/overview", {
      cookie: admin.cookie,
    });

    expect(res.status).toBe(200);
    expect(res.body.failed).toEqual([
      expect.objectContaining({
        id,
        kind: "text",
        reason: expect.stringContaining("not bound"),
      }),
    ]);
    expect(res.body.calendarYears).toContain(2026);
    const page = await web.call("GET", "/admin", { cookie: admin.cookie });
    expect(page.body).toContain("投递失败的消息（1）");
  });

  it("puts a failed message back in the queue and records who did", async () => {
    const id = await undeliverable();
    const admin = await web.signIn("系统管理员");

    const res = await web.call("POST", `/api/admin/outbox/${id}/retry`, {
      cookie: admin.cookie,
      json: {},
    });

    expect(res.status).toBe(200);
    const { auditLog } = web.bot.ctx.store.t;
    const trail = await web.bot.ctx.store.db.select().from(auditLog);
    expect(trail.at(-1)).toMatchObject({
      action: "outbox.retry",
      subjectId: id,
    });
    const again = await web.call("POST", `/api/admin/outbox/${id}/retry`, {
      cookie: admin.cookie,
      json: {},
    });
    // Still unreachable: it failed again and can be retried again.
    expect(again.status).toBe(200);
  });

  it("is refused to everyone else", async () => {
    const zhang = await web.signIn("张伟");
    const res = await web.call("GET", "/admin", { cookie: zhang.cookie });
    expect(res.status).toBe(403);
    expect(res.body).toContain("只有管理员");
    const retry = await web.call("POST", "/api/admin/outbox/1/retry", {
      cookie: zhang.cookie,
      json: {},
    });
    expect(retry.status).toBe(403);
  });
});

describe("ids in routes", () => {
  it("takes only plain decimal ids", async () => {
    const { cookie } = await web.signIn("王建国");
    for (const id of ["1e1", "0x1", "01", "1.0", "%201", "-1"]) {
      const res = await web.call("GET", `/api/referrals/${id}`, { cookie });
      expect(res.status, id).toBe(404);
    }
    const login = await web.call("POST", "/sim/login", {
      json: { personId: "0x0d" },
    });
    expect(login.status).toBe(422);
  });
});

describe("an administrator reading cases", () => {
  it("is recorded even for a case of the administrator's own unit", async () => {
    const wang = await web.signIn("王建国");
    const created = await web.call("POST", "/api/referrals", {
      cookie: wang.cookie,
      json: await referralBody(web.bot),
    });
    const admin = await web.signIn("系统管理员");

    await web.call("GET", `/referrals/${created.body.referralId}`, {
      cookie: admin.cookie,
    });

    const { auditLog } = web.bot.ctx.store.t;
    const trail = await web.bot.ctx.store.db.select().from(auditLog);
    expect(trail.map((e) => e.action)).toContain("referral.admin_read");
  });
});
