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
import { DEMO_PEOPLE_FILE } from "../../src/boot.js";
import { loadDemoPeople, loadUnits } from "../../src/units/seed.js";

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
