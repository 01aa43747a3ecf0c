/**
 * Options are values, checked at run time: an isolation level outside the closed set (a
 * JavaScript caller, a cast) fails with `OptionError` before any statement is sent, so no
 * option text ever reaches SQL; read-only transactions refuse writes with
 * `ReadOnlyViolation` on every database; SQLite's isolation maps to BEGIN DEFERRED / IMMEDIATE.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Engine from "../../src/Engine.js"
import * as Session from "../../src/Session.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor, failure } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

const hostile = [
  "serializable; DROP TABLE opt_victims; --",
  "serializable, READ WRITE; DROP TABLE opt_victims",
  "SERIALIZABLE",
  "repeatable  read",
  "",
  "read committed'",
  "serializable\u0000"
]

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Options", (it) => {
    it.effect("an isolation level outside the closed set fails with OptionError, and no statement is sent", () =>
      Effect.scoped(Effect.gen(function*() {
        const engine = yield* Engine.Engine
        yield* engine.execute("DROP TABLE IF EXISTS opt_victims")
        yield* engine.execute("CREATE TABLE opt_victims (id INTEGER PRIMARY KEY)")
        const echoing = yield* engineFor(target.url, { echo: true })
        for (const isolation of hostile) {
          const { entries, exit } = yield* captureLogs(
            echoing.transaction(echoing.execute("SELECT 1"), { isolation: isolation as never })
          )
          const error = failure(exit)
          assert.strictEqual(error._tag, "OptionError")
          assert.strictEqual((error as { option?: string }).option, "isolation")
          assert.strictEqual(entries.length, 0, `statements were sent: ${entries.map((e) => e.message).join("; ")}`)
          // The same through the session.
          const viaSession = yield* Effect.exit(
            Session.transaction(Effect.void, { isolation: isolation as never }).pipe(Effect.provide(Session.layer))
          )
          assert.strictEqual(failure(viaSession)._tag, "OptionError")
        }
        const { exit } = yield* captureLogs(echoing.transaction(Effect.void, { readOnly: "yes" as never }))
        assert.strictEqual(failure(exit)._tag, "OptionError")
        const badRetry = failure(yield* Effect.exit(echoing.transaction(Effect.void, { retry: "3 times" as never })))
        assert.strictEqual(badRetry._tag, "OptionError")
        assert.strictEqual((badRetry as { option?: string }).option, "retry")
        // The table is still there.
        const rows = yield* engine.execute("SELECT COUNT(*) AS n FROM opt_victims")
        assert.strictEqual(Number(rows[0]!["n"]), 0)
        yield* engine.execute("DROP TABLE opt_victims")
      })))

    it.effect("every isolation level of the closed set runs", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        for (const isolation of ["read uncommitted", "read committed", "repeatable read", "serializable"] as const) {
          const rows = yield* engine.transaction(engine.execute("SELECT 1 AS one"), { isolation })
          assert.strictEqual(Number(rows[0]!["one"]), 1)
        }
      }))

    it.effect("a read-only transaction refuses writes with ReadOnlyViolation and commits nothing", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        yield* engine.execute("DROP TABLE IF EXISTS opt_notes")
        yield* engine.execute("CREATE TABLE opt_notes (id INTEGER PRIMARY KEY, body VARCHAR(20))")
        const exit = yield* Effect.exit(
          engine.transaction(engine.execute(target.dialect === "postgresql" ? "INSERT INTO opt_notes VALUES ($1, $2)" : "INSERT INTO opt_notes VALUES (?, ?)", [1, "x"]), {
            readOnly: true
          })
        )
        assert.strictEqual(failure(exit)._tag, "ReadOnlyViolation")
        const viaSession = yield* Effect.exit(
          Session.transaction(
            Effect.flatMap(Engine.Engine, (e) => e.execute(target.dialect === "postgresql" ? "INSERT INTO opt_notes VALUES ($1, $2)" : "INSERT INTO opt_notes VALUES (?, ?)", [2, "y"])),
            { readOnly: true }
          ).pipe(Effect.provide(Session.layer))
        )
        assert.strictEqual(failure(viaSession)._tag, "ReadOnlyViolation")
        const rows = yield* engine.execute("SELECT COUNT(*) AS n FROM opt_notes")
        assert.strictEqual(Number(rows[0]!["n"]), 0)
        // Reads work in a read-only transaction, and the connection writes again after it.
        yield* engine.transaction(engine.execute("SELECT COUNT(*) AS n FROM opt_notes"), { readOnly: true })
        yield* engine.execute(target.dialect === "postgresql" ? "INSERT INTO opt_notes VALUES ($1, $2)" : "INSERT INTO opt_notes VALUES (?, ?)", [3, "z"])
        const after = yield* engine.execute("SELECT COUNT(*) AS n FROM opt_notes")
        assert.strictEqual(Number(after[0]!["n"]), 1)
        yield* engine.execute("DROP TABLE opt_notes")
      }))

    if (target.dialect === "sqlite") {
      it.effect("SQLite: serializable begins IMMEDIATE, the other levels DEFERRED", () =>
        Effect.scoped(Effect.gen(function*() {
          const engine = yield* engineFor(target.url, { echo: true })
          const sent = (isolation: "serializable" | "read committed" | undefined) =>
            Effect.map(captureLogs(engine.transaction(Effect.void, isolation === undefined ? {} : { isolation })), ({ entries, exit }) => {
              assert.isTrue(Exit.isSuccess(exit))
              return entries.map((e) => e.message)[0]
            })
          assert.strictEqual(yield* sent("serializable"), "BEGIN IMMEDIATE")
          assert.strictEqual(yield* sent("read committed"), "BEGIN DEFERRED")
          assert.strictEqual(yield* sent(undefined), "BEGIN DEFERRED")
        })))
    }
  })
}
