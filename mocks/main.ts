import type { FastifyInstance } from "fastify";
import { buildApp as buildDossierService } from "./dossier-service/app.js";
import { buildApp as buildGateway } from "./gateway/app.js";

/**
 * Entry of one mock part as its own process: `node dist/mock-part.js PART PORT 'JSON options'`.
 * Listens on loopback only and prints one `ready` line.
 */
const parts: Record<string, (options: Record<string, unknown>) => FastifyInstance> = {
  gateway: (o) =>
    buildGateway({
      dossierUrl: String(o.dossierUrl),
      seed: Number(o.seed ?? 1),
      ...(o.maxInFlight === undefined ? {} : { maxInFlight: Number(o.maxInFlight) }),
      ...(o.maxQueue === undefined ? {} : { maxQueue: Number(o.maxQueue) }),
    }),
  "dossier-primary": () => buildDossierService({ role: "primary" }),
};

const main = async (): Promise<void> => {
  const [part, portText, json] = process.argv.slice(2);
  const factory = part ? parts[part] : undefined;
  if (!factory || !portText) {
    process.stderr.write(`usage: mock-part PART PORT [JSON]; parts: ${Object.keys(parts).join(", ")}\n`);
    process.exit(2);
  }
  const app = factory(json ? (JSON.parse(json) as Record<string, unknown>) : {});
  const stop = () => {
    void app.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  await app.listen({ host: "127.0.0.1", port: Number(portText) });
  process.stdout.write(`ready ${part} ${portText}\n`);
};

void main();
