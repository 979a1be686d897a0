/**
 * requirepass, AUTH and the NOAUTH gate, including the protocol limits Redis applies to
 * unauthenticated clients (10 arguments, 16 KB bulks). Runs against the reference too.
 */

import { describe, expect, test } from "bun:test";
import {
  error,
  isError,
  isMap,
  kindsWithRedis,
  modisHas,
  simple,
  useServer,
} from "../helpers/mod.ts";

const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

for (const kind of kindsWithRedis()) {
  describe(`AUTH with requirepass [${kind}]`, () => {
    const server = useServer(kind, { args: ["--requirepass", "s3cret"] });

    test("commands before AUTH get NOAUTH; AUTH unlocks", async () => {
      const c = await server().client();
      expect(await c.send("PING")).toEqual(error("NOAUTH Authentication required."));
      expect(await c.send("ECHO", "x")).toEqual(error("NOAUTH Authentication required."));
      expect(await c.send("AUTH", "wrong")).toEqual(error(WRONGPASS));
      expect(await c.send("AUTH", "default", "wrong")).toEqual(error(WRONGPASS));
      expect(await c.send("AUTH", "nobody", "s3cret")).toEqual(error(WRONGPASS));
      expect(await c.send("AUTH", "s3cret")).toEqual(simple("OK"));
      expect(await c.send("PING")).toEqual(simple("PONG"));
      expect(await c.send("AUTH", "default", "s3cret")).toEqual(simple("OK"));
    });

    test("HELLO needs authentication or an AUTH option", async () => {
      const c = await server().client();
      const r = await c.send("HELLO", "3");
      expect(isError(r) ? r.error : r).toStartWith(
        "NOAUTH HELLO must be called with the client already authenticated",
      );
      expect(await c.send("HELLO", "3", "AUTH", "default", "nope")).toEqual(error(WRONGPASS));
      const ok = await c.send("HELLO", "3", "AUTH", "default", "s3cret");
      expect(isMap(ok)).toBe(true);
      expect(await c.send("PING")).toEqual(simple("PONG"));
    });

    test("unauthenticated clients may not send more than 10 arguments", async () => {
      const c = await server().client();
      c.write("*11\r\n");
      expect(await c.read()).toEqual(error("ERR Protocol error: unauthenticated multibulk length"));
      await c.waitClosed(5000);
    });

    test("unauthenticated clients may not send bulks over 16 KB", async () => {
      const c = await server().client();
      c.write("*2\r\n$4\r\nECHO\r\n$16385\r\n");
      expect(await c.read()).toEqual(error("ERR Protocol error: unauthenticated bulk length"));
      await c.waitClosed(5000);
    });

    test("authenticated clients have no such limits", async () => {
      const c = await server().client();
      await c.send("AUTH", "s3cret");
      expect(await c.send("ECHO", "x".repeat(20000))).toBe("x".repeat(20000));
    });

    test("QUIT works without authentication", async () => {
      const c = await server().client();
      expect(await c.send("QUIT")).toEqual(simple("OK"));
      await c.waitClosed(5000);
    });
  });

  describe(`AUTH without requirepass [${kind}]`, () => {
    const server = useServer(kind);

    test.skipIf(kind !== "redis" && !modisHas("config|set"))(
      "CONFIG SET requirepass applies to new connections",
      async () => {
        const admin = await server().client();
        expect(await admin.send("CONFIG", "SET", "requirepass", "later")).toEqual(simple("OK"));
        try {
          const c = await server().client();
          expect(await c.send("PING")).toEqual(error("NOAUTH Authentication required."));
          expect(await c.send("AUTH", "later")).toEqual(simple("OK"));
        } finally {
          await admin.send("AUTH", "later");
          expect(await admin.send("CONFIG", "SET", "requirepass", "")).toEqual(simple("OK"));
        }
      },
    );

    test("AUTH errors when no password is configured", async () => {
      const c = await server().client();
      expect(await c.send("AUTH", "x")).toEqual(
        error(
          "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        ),
      );
      expect(await c.send("AUTH", "default", "anything")).toEqual(simple("OK"));
    });
  });
}
