import net from "node:net";

/**
 * A TCP proxy a test controls, to put between Mailroom and Postgres: it passes connections through
 * until told to refuse new ones (each is closed once its client has said who it is, as a database
 * that is down or restarting would close it), and tells which upstream ports carry its connections,
 * so the test can find them in `pg_stat_activity.client_port`.
 */
export interface TcpProxy {
  port: number;
  /** While true, new connections are closed at once; open ones keep working. */
  refuseNew(refuse: boolean): void;
  /** The `application_name` of each connection refused so far ("" when it sent none). */
  refused(): string[];
  /** Local ports of the proxy's open connections to the target. */
  upstreamPorts(): number[];
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let refusing = false;
  const refused: string[] = [];
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    if (refusing) {
      client.once("data", (startup: Buffer) => {
        refused.push(startupParameters(startup).application_name ?? "");
        client.destroy();
      });
      client.on("error", () => client.destroy());
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    refuseNew: (refuse) => {
      refusing = refuse;
    },
    refused: () => [...refused],
    upstreamPorts: () =>
      [...pairs].map((p) => p.upstream.localPort).filter((p): p is number => typeof p === "number"),
    close: async () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The parameters of a Postgres StartupMessage: int32 length, int32 protocol version, then
 * NUL-terminated name/value pairs. https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
function startupParameters(message: Buffer): Record<string, string> {
  const fields = message.subarray(8).toString("utf8").split("\0");
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length && fields[i]; i += 2) params[fields[i]!] = fields[i + 1]!;
  return params;
}
