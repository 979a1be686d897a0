/**
 * Listening: binds every `bind` address (a leading "-" marks an address that may fail, as
 * in Redis's default "127.0.0.1 -::1") and the `unixsocket`, and turns accepted
 * connections into NetworkClients, enforcing `maxclients` and protected mode with Redis's
 * error texts.
 */

import { NetworkClient } from "./connection.ts";
import type { Connection, ConnectionHandler, Host, Listener } from "./net/transport.ts";
import type { Server } from "./server.ts";

const PROTECTED_MODE_ERROR =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

const enc = new TextEncoder();

function refuse(conn: Connection, text: string): ConnectionHandler {
  conn.write(enc.encode(text));
  conn.close();
  return { data() {}, closed() {} };
}

/**
 * Accept a connection for `server` (the transport's onConnection callback).
 *
 * @example
 * ```ts
 * await host.listen({ host: "127.0.0.1", port: 0 }, (conn) => acceptConnection(server, conn));
 * ```
 */
export function acceptConnection(server: Server, conn: Connection): ConnectionHandler {
  if (server.clients.size >= server.settings.maxclients) {
    server.stats.rejectedConnections++;
    return refuse(conn, "-ERR max number of clients reached\r\n");
  }
  if (server.settings.protectedMode && !conn.isLocal && server.config.get("requirepass") === "") {
    server.stats.rejectedConnections++;
    return refuse(conn, PROTECTED_MODE_ERROR);
  }
  server.stats.totalConnections++;
  const client = new NetworkClient(server, conn);
  server.addClient(client);
  return client;
}

/**
 * Bind every configured address; returns the listeners. Throws when no TCP address could be
 * bound (or a non-optional one failed).
 *
 * @example
 * ```ts
 * const listeners = await listenAll(server, host);
 * ```
 */
export async function listenAll(server: Server, host: Host): Promise<Listener[]> {
  const out: Listener[] = [];
  const s = server.settings;
  if (s.port !== 0 || s.unixsocket === "") {
    let port = s.port;
    for (const raw of s.bind) {
      const optional = raw.startsWith("-");
      let addr = optional ? raw.slice(1) : raw;
      if (addr === "*") addr = "0.0.0.0";
      if (addr === "::*") addr = "::";
      try {
        const l = await host.listen({ host: addr, port }, (conn) => acceptConnection(server, conn));
        // With port 0, bind the other addresses to the port the first one got.
        if (port === 0) port = l.port;
        out.push(l);
      } catch (err) {
        if (optional) {
          server.log(
            "verbose",
            `Could not bind optional address ${addr}: ${err instanceof Error ? err.message : err}`,
          );
          continue;
        }
        for (const l of out) l.close();
        throw new Error(
          `Could not create server TCP listening socket ${addr}:${port}: ${
            err instanceof Error ? err.message : err
          }`,
        );
      }
    }
    if (out.length === 0) throw new Error("Failed listening on any TCP address");
    s.port = port;
  }
  if (s.unixsocket !== "") {
    await host.removeFile(s.unixsocket);
    const l = await host.listen(
      { path: s.unixsocket, permissions: s.unixsocketperm || undefined },
      (conn) => acceptConnection(server, conn),
    );
    out.push(l);
  }
  return out;
}
