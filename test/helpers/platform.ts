/**
 * What the platform harnesses (WeCom, DingTalk) share: a web server that
 * listens before the bot exists (the bot's PUBLIC_URL must name its
 * port), and demo people bound to the platform as well.
 */
import { once } from "node:events";
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { DEMO_PEOPLE_FILE, type Bot } from "../../src/boot.js";
import { loadDemoPeople, loadUnits } from "../../src/units/seed.js";
import { sourceCase } from "./bot.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface EarlyServer {
  base: string;
  /** From now on, requests go to `handler` (503 before). */
  serve(handler: Handler): void;
  close(): void;
}

export async function listenEarly(): Promise<EarlyServer> {
  let handler: Handler = (_req, res) => {
    res.writeHead(503);
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    serve(next) {
      handler = next;
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * The seed units and demo people, each demo person also bound to
 * `channel` as `<prefix><key>` (demo-zhangw → wx_zhangw).
 */
export async function demoPeopleOn(
  store: Store,
  seedFile: string,
  channel: string,
  prefix: string,
): Promise<void> {
  await loadUnits(store, seedFile);
  await loadDemoPeople(store, DEMO_PEOPLE_FILE);
  const { personBindings } = store.t;
  const sims = await store.db
    .select()
    .from(personBindings)
    .where(eq(personBindings.channel, "sim"));
  await store.tx(async (q) => {
    for (const b of sims) {
      await store.insertIfAbsent(q, personBindings, {
        personId: b.personId,
        channel,
        externalId: prefix + b.externalId.replace(/^demo-/, ""),
      });
    }
  });
}

/**
 * 王建国 (bound on the platform as `externalId`) refers a case to the
 * city housing bureau on 2026-10-09; the notices go out.
 */
export async function referToHousing(
  bot: Bot,
  channel: string,
  externalId: string,
  caseName = "滨江花园项目欠薪案",
): Promise<number> {
  const person = await bot.ctx.directory.personByBinding(channel, externalId);
  const housing = await bot.ctx.directory.unitByCode("city.housing");
  const outcome = await bot.referrals.create(
    { person: person!, channel: "web" },
    sourceCase(housing!.id, {
      caseName,
      referralDate: "2026-10-09",
      foundDate: "2026-10-08",
    }),
  );
  await bot.deliverNow();
  return outcome.referralId;
}
