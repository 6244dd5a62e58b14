import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { referralBody, startWeb, type Running } from "./server.js";

let web: Running;

beforeEach(async () => {
  web = await startWeb();
});

afterEach(async () => {
  await web.close();
});

async function refer(overrides: Record<string, unknown> = {}) {
  const { cookie } = await web.signIn("王建国");
  const res = await web.call("POST", "/api/referrals", {
    cookie,
    json: await referralBody(web.bot, overrides),
  });
  return res.body.referralId as number;
}

async function page(path: string, name?: string) {
  const cookie = name ? (await web.signIn(name)).cookie : undefined;
  return web.call("GET", path, { cookie });
}

describe("signing in", () => {
  it("tells someone without a session to open the link from the chat", async () => {
    const res = await page("/referrals/1");

    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.body).toContain("请从工作群或机器人消息中的卡片重新打开此链接");
    expect(res.body).toContain('href="/sim"');
  });

  it("answers an unknown page with a Chinese 404 page", async () => {
    const res = await page("/nowhere", "王建国");

    expect(res.status).toBe(404);
    expect(res.body).toContain("您要打开的页面不存在");
  });
});

describe("the new referral form", () => {
  it("lists receiving units by kind, grouped by area", async () => {
    const res = await page("/referrals/new", "王建国");

    expect(res.status).toBe(200);
    const [source, crime] = res.body.split('id="f-receivingUnitId-crime"');
    expect(source).toContain('<optgroup label="市本级">');
    expect(source).toContain("市住房城乡建设局");
    expect(source).toContain('<optgroup label="船山区">');
    expect(source).not.toContain("市公安局");
    expect(crime).toContain("市公安局");
    expect(crime).toContain("船山区公安局");
    expect(crime.split("</select>")[0]).not.toContain("市住房城乡建设局");
  });

  it("starts with today's date on the bot's clock and a submission id", async () => {
    const res = await page("/referrals/new", "王建国");

    expect(res.body).toMatch(/name="referralDate" type="date" value="2026-10-09"/);
    expect(res.body).toMatch(/name="submissionId" value="[A-Za-z0-9_-]{16}"/);
  });

  it("gives every rendering its own submission id", async () => {
    const id = (html: string) => /name="submissionId" value="([^"]+)"/
      .exec(html)?.[1];

    const first = await page("/referrals/new", "王建国");
    const second = await page("/referrals/new", "王建国");

    expect(id(first.body)).not.toBe(id(second.body));
  });

  it("refuses a liaison of an industry authority", async () => {
    const res = await page("/referrals/new", "张伟");

    expect(res.status).toBe(403);
    expect(res.body).toContain("经办人员可以移送案件");
    expect(res.body).not.toContain("<form");
  });
});

describe("action forms", () => {
  it("refuses the feedback form to a person of another unit", async () => {
    const id = await refer();

    const res = await page(`/referrals/${id}/feedback`, "郑涛");

    expect(res.status).toBe(403);
    expect(res.body).toContain("无权查看");
    expect(res.body).not.toContain("api-form");
  });

  it("asks to sign before feeding back", async () => {
    const id = await refer();

    const res = await page(`/referrals/${id}/feedback`, "张伟");

    expect(res.status).toBe(409);
    expect(res.body).toContain("请先签收，签收后才能反馈");
    expect(res.body).toContain(`href="/referrals/${id}"`);
  });

  it("refuses the feedback form to the referring unit", async () => {
    const id = await refer();

    const res = await page(`/referrals/${id}/feedback`, "王建国");

    expect(res.status).toBe(403);
    expect(res.body).toContain("无权反馈");
  });

  it("prefills the receipt with what was handed over", async () => {
    const id = await refer();

    const res = await page(`/referrals/${id}/sign`, "张伟");

    expect(res.status).toBe(200);
    expect(res.body).toContain(`data-api="/api/referrals/${id}/sign"`);
    expect(res.body).toMatch(/name="pages" type="text" value="30"/);
    expect(res.body).toMatch(/name="handedOverBy" type="text" value="王建国"/);
    expect(res.body).toMatch(/name="signerName" type="text" value="张伟"/);
  });

  it("shows the attachment 4 fields for a source case", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhang.cookie, json: {},
    });

    const res = await page(`/referrals/${id}/feedback`, "张伟");

    expect(res.status).toBe(200);
    const labels = [...res.body.matchAll(/<label for="f-(\w+)">([^<]+)/g)]
      .map((m) => m[2]);
    expect(labels).toEqual([
      "承办联系人", "承办联系方式", "对违法行为行政处（理）罚情况",
      "办理概况及结果", "追薪人数（人）", "追薪金额（元）", "备注",
    ]);
    expect(res.body).toContain("市住房城乡建设局");
  });

  it("shows the attachment 3 fields for a suspected crime", async () => {
    const police = await web.bot.ctx.directory.unitByCode("city.police");
    const id = await refer({ kind: "crime", receivingUnitId: police!.id });
    const zhou = await web.signIn("周强");
    await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhou.cookie, json: {},
    });

    const res = await page(`/referrals/${id}/feedback`, "周强");

    expect(res.status).toBe(200);
    for (const label of ["侦办单位", "侦办联系人", "是否立案", "是否批捕",
      "是否起诉", "结案时间"]) {
      expect(res.body).toContain(label);
    }
    expect(res.body).not.toContain("办理概况及结果");
  });

  it("offers pass-down only to county and park units of the same kind", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhang.cookie, json: {},
    });

    const res = await page(`/referrals/${id}/pass-down`, "张伟");

    expect(res.status).toBe(200);
    expect(res.body).toContain("船山区住建局");
    expect(res.body).toContain("河东新区规划建设局");
    expect(res.body).not.toMatch(/<option[^>]*>市住房城乡建设局</);
    expect(res.body).not.toContain("船山区公安局");
  });

  it("offers a returned case to another unit, not the one that returned it", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    await web.call("POST", `/api/referrals/${id}/return`, {
      cookie: zhang.cookie, json: { reason: "属于交通项目" },
    });

    const res = await page(`/referrals/${id}/resolve-return`, "王建国");

    expect(res.status).toBe(200);
    expect(res.body).toContain("理由：属于交通项目");
    expect(res.body).toMatch(/<option[^>]*>市交通运输局</);
    expect(res.body).not.toMatch(/<option[^>]*>市住房城乡建设局</);
    expect(res.body).not.toMatch(/<option[^>]*>市公安局</);
    expect(res.body).toContain('data-show-when="decision=overrule"');
  });

  it("answers an unknown form name with 404", async () => {
    const id = await refer();

    const res = await page(`/referrals/${id}/delete`, "张伟");

    expect(res.status).toBe(404);
  });
});

describe("the details page", () => {
  it("explains each deadline day by day, holidays named", async () => {
    const id = await refer();

    const res = await page(`/referrals/${id}`, "王建国");

    expect(res.status).toBe(200);
    expect(res.body).toContain("<summary>如何计算</summary>");
    expect(res.body).toContain("2026-10-10 第 1 个工作日（国庆节调休上班）");
    expect(res.body).toContain("反馈期限</strong>：2026年11月19日前");
    expect(res.body).toContain("按期移送");
    expect(res.body).toContain("王建国：移送");
  });

  it("marks a late referral", async () => {
    const id = await refer({ foundDate: "2026-09-22" });

    const res = await page(`/referrals/${id}`, "王建国");

    expect(res.body).toMatch(/逾期 \d+ 个工作日移送/);
  });

  it("records in the audit trail when an administrator opens a case", async () => {
    const audited = await startWeb();
    try {
      // Referred by the petitions bureau: the administrator's unit
      // (HRSS) has no part in it.
      const wu = await audited.signIn("吴敏");
      const created = await audited.call("POST", "/api/referrals", {
        cookie: wu.cookie,
        json: await referralBody(audited.bot, { contactName: "吴敏" }),
      });
      const admin = await audited.signIn("系统管理员");

      const res = await audited.call(
        "GET", `/referrals/${created.body.referralId}`,
        { cookie: admin.cookie },
      );

      expect(res.status).toBe(200);
      const { auditLog } = audited.bot.ctx.store.t;
      const trail = await audited.bot.ctx.store.db.select().from(auditLog);
      expect(trail.at(-1)).toMatchObject({
        action: "referral.admin_read",
        actorName: "系统管理员",
        subjectId: created.body.referralId,
      });
    } finally {
      await audited.close();
    }
  });

  it("escapes what users typed", async () => {
    const id = await refer({ caseName: "<script>alert(1)</script>案" });

    const res = await page(`/referrals/${id}`, "王建国");

    expect(res.body).not.toContain("<script>alert(1)");
    expect(res.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;案");
  });

  it("shows the receipt and the feedback history", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhang.cookie, json: {},
    });
    await web.call("POST", `/api/referrals/${id}/feedback`, {
      cookie: zhang.cookie,
      json: {
        handlerContact: "张伟", handlerPhone: "13800000003",
        summary: "已督促支付", recoveredWorkers: "5",
        recoveredAmount: "1200",
      },
    });

    const res = await page(`/referrals/${id}`, "王建国");

    expect(res.body).toContain("<dt>签收人</dt><dd>张伟</dd>");
    expect(res.body).toContain("<dt>追薪金额</dt><dd>1,200.00 元</dd>");
    expect(res.body).toContain("采纳反馈");
    expect(res.body).toContain(`href="/referrals/${id}/send-back"`);
  });
});

describe("static files and modes", () => {
  it("serves the shared script and stylesheet", async () => {
    const js = await web.call("GET", "/static/form.js");
    const css = await web.call("GET", "/static/app.css");

    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  it("has no simulator when the simulator is off", async () => {
    const off = await startWeb({ SIMULATOR: "off" });
    try {
      const res = await off.call("GET", "/sim");
      expect(res.status).toBe(404);
      const unauth = await off.call("GET", "/referrals/1");
      expect(unauth.body).not.toContain('href="/sim"');
    } finally {
      await off.close();
    }
  });
});
