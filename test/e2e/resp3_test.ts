/**
 * HELLO and RESP3: protocol negotiation, the HELLO reply's shape in both protocols, and
 * that RESP3-only reply types (map, verbatim, null, double...) appear only after HELLO 3.
 * Runs against the reference redis-server too, comparing shapes (not version strings).
 */

import { describe, expect, test } from "bun:test";
import {
  error,
  isMap,
  kindsWithRedis,
  mapGet,
  modisHas,
  type Reply,
  simple,
  useServer,
} from "../helpers/mod.ts";

const HELLO_FIELDS = ["server", "version", "proto", "id", "mode", "role", "modules"];

function mapKeys(r: Reply): Reply[] {
  expect(isMap(r)).toBe(true);
  return isMap(r) ? r.map.map(([k]) => k) : [];
}

for (const kind of kindsWithRedis()) {
  describe(`HELLO / RESP3 [${kind}]`, () => {
    const server = useServer(kind);

    test("HELLO without a version answers in RESP2 as a flat array", async () => {
      const c = await server().client();
      const r = (await c.send("HELLO")) as Reply[];
      expect(Array.isArray(r)).toBe(true);
      expect(r.filter((_, i) => i % 2 === 0)).toEqual(HELLO_FIELDS);
      expect(mapGet(r, "proto")).toBe(2);
      expect(mapGet(r, "server")).toBe("redis");
      expect(mapGet(r, "modules")).toEqual([]);
    });

    test("HELLO 3 answers a map and switches the connection to RESP3", async () => {
      const c = await server().client();
      const r = await c.send("HELLO", "3");
      expect(mapKeys(r)).toEqual(HELLO_FIELDS);
      expect(mapGet(r, "proto")).toBe(3);
      expect(typeof mapGet(r, "id")).toBe("number");
      expect(mapGet(r, "mode")).toBe("standalone");
      expect(mapGet(r, "role")).toBe("master");
      expect(await c.send("PING")).toEqual(simple("PONG"));
      expect(await c.send("NOSUCHCMD")).toHaveProperty("error");
      const back = await c.send("HELLO", "2");
      expect(isMap(back)).toBe(false);
      expect(mapGet(back, "proto")).toBe(2);
    });

    test.skipIf(kind !== "redis" && !modisHas("client|info"))(
      "CLIENT INFO: verbatim in RESP3, bulk in RESP2",
      async () => {
        const c = await server().client();
        await c.send("HELLO", "3");
        const info = await c.send("CLIENT", "INFO");
        expect(info).toMatchObject({ format: "txt" });
        expect((info as { verbatim: string }).verbatim).toMatch(/^id=\d+ addr=.* resp=3/);
        await c.send("HELLO", "2");
        expect(typeof (await c.send("CLIENT", "INFO"))).toBe("string");
      },
    );

    test("HELLO errors", async () => {
      const c = await server().client();
      expect(await c.send("HELLO", "4")).toEqual(error("NOPROTO unsupported protocol version"));
      expect(await c.send("HELLO", "1")).toEqual(error("NOPROTO unsupported protocol version"));
      expect(await c.send("HELLO", "abc")).toEqual(
        error("ERR Protocol version is not an integer or out of range"),
      );
      expect(await c.send("HELLO", "3", "BOGUS")).toEqual(
        error("ERR Syntax error in HELLO option 'BOGUS'"),
      );
      // A failed HELLO leaves the protocol alone.
      expect(Array.isArray(await c.send("HELLO"))).toBe(true);
    });

    test("HELLO 3 SETNAME names the connection", async () => {
      const c = await server().client();
      await c.send("HELLO", "3", "SETNAME", "worker-1");
      expect(await c.send("CLIENT", "GETNAME")).toBe("worker-1");
    });

    test("RESET returns to RESP2", async () => {
      const c = await server().client();
      await c.send("HELLO", "3");
      expect(await c.send("RESET")).toEqual(simple("RESET"));
      expect(Array.isArray(await c.send("HELLO"))).toBe(true);
    });

    test.skipIf(kind !== "redis" && !modisHas("get", "set", "incrbyfloat"))(
      "RESP3 nulls and strings",
      async () => {
        const c = await server().client();
        // $-1 in RESP2, `_` in RESP3: both decode to null.
        expect(await c.send("GET", "resp3:missing")).toBeNull();
        await c.send("HELLO", "3");
        expect(await c.send("GET", "resp3:missing")).toBeNull();
        expect(await c.send("SET", "resp3:f", "1.5")).toEqual(simple("OK"));
        expect(await c.send("INCRBYFLOAT", "resp3:f", "1")).toBe("2.5");
        await c.send("DEL", "resp3:f");
      },
    );

    test.skipIf(kind !== "redis" && !modisHas("geoadd", "geopos"))(
      "GEO coordinates: Redis's 17-decimal text, as a bulk string (RESP2) or a double (RESP3)",
      async () => {
        const c = await server().client();
        await c.send("GEOADD", "resp3:geo", "13.361389", "38.115556", "Palermo");
        const text = ["13.36138933897018433", "38.11555639549629859"];
        expect(await c.send("GEOPOS", "resp3:geo", "Palermo")).toEqual([text]);
        await c.send("HELLO", "3");
        expect(await c.send("GEOPOS", "resp3:geo", "Palermo")).toEqual([
          text.map((t) => ({ double: t })),
        ]);
        await c.send("DEL", "resp3:geo");
      },
    );
  });
}
