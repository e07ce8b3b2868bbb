import { buildPart, isPartName, partNames } from "./parts.js";

/**
 * Entry of one mock part as its own process: `node dist/mock-part.js PART PORT 'JSON config'`.
 * Listens on loopback only and prints one `ready` line.
 */
const main = async (): Promise<void> => {
  const [part, portText, json] = process.argv.slice(2);
  if (!part || !isPartName(part) || !portText) {
    process.stderr.write(`usage: mock-part PART PORT [JSON]; parts: ${partNames.join(", ")}\n`);
    process.exit(2);
  }
  const app = buildPart(part, json ? (JSON.parse(json) as unknown) : {});
  const stop = () => {
    void app.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  await app.listen({ host: "127.0.0.1", port: Number(portText) });
  process.stdout.write(`ready ${part} ${portText}\n`);
};

void main();
