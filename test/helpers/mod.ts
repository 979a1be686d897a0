/**
 * Test helpers in one import: start Modis (Bun or Deno) or a reference redis-server as a
 * subprocess, and talk to it with a raw, type-preserving RESP client.
 *
 * @example
 * ```ts
 * import { RUNTIMES, simple, useModis } from "../helpers/mod.ts";
 * for (const runtime of RUNTIMES) {
 *   describe(`ping [${runtime}]`, () => {
 *     const server = useModis({ runtime });
 *     test("PONG", async () => expect(await (await server().client()).send("PING")).toEqual(simple("PONG")));
 *   });
 * }
 * ```
 */

export * from "./resp_reader.ts";
export * from "./resp_client.ts";
export * from "./servers.ts";
export * from "./capabilities.ts";
