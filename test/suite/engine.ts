/**
 * The engine on a real database: laziness, echo, passwords kept out of every output,
 * and each typed error triggered for real and classified.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { assert, layer as testLayer } from "@effect/vitest"
import { Cause, Context, Effect, Either, Exit, Layer, Redacted, Tracer } from "effect"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inspect } from "node:util"
import * as Engine from "../../src/Engine.js"
import { captureLogs } from "../harness/capture.js"
import { engineFor, failure, freePort } from "../harness/engines.js"
import { countingProxy } from "../harness/proxy.js"
import type { Suite, Target } from "../harness/targets.js"

const SECRET = "S3cr3t-p@ss/w0rd?#"

/** Every way a program might print an error: none may show the password. */
const renderings = (error: unknown): ReadonlyArray<string> => {
  const out = [String(error), inspect(error, { depth: 8 }), Cause.pretty(Cause.fail(error))]
  try {
    out.push(JSON.stringify(error))
  } catch {
    // circular driver objects cannot be stringified; the other renderings cover them
  }
  return out
}

const assertNoSecret = (texts: ReadonlyArray<string>) => {
  for (const text of texts) {
    assert.isFalse(text.includes(SECRET), `password leaked in: ${text.slice(0, 300)}`)
    assert.isFalse(text.includes(encodeURIComponent(SECRET)), `encoded password leaked in: ${text.slice(0, 300)}`)
  }
}

const placeholder = (target: Target, i: number) => (target.dialect === "postgresql" ? `$${i}` : "?")

/** Runs one statement on a reserved connection, classified by `engine`. */
const on = (engine: Engine.Engine, conn: Connection, sql: string) =>
  engine.classify(conn.executeUnprepared(sql, [], undefined))

const setupConstraints = [
  "DROP TABLE IF EXISTS child",
  "DROP TABLE IF EXISTS parent",
  "CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)",
  `CREATE TABLE child (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER,
    name VARCHAR(50) NOT NULL,
    email VARCHAR(100),
    age INTEGER,
    CONSTRAINT child_email_key UNIQUE (email),
    CONSTRAINT child_age_check CHECK (age >= 0),
    CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)
  )`,
  "INSERT INTO parent (id, name) VALUES (1, 'p1')",
  "INSERT INTO child (id, parent_id, name, email, age) VALUES (1, 1, 'c1', 'a@example.com', 5)"
]

const setupLocks = [
  "DROP TABLE IF EXISTS lockme",
  "CREATE TABLE lockme (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)",
  "INSERT INTO lockme (id, v) VALUES (1, 0), (2, 0)"
]

const run = (statements: ReadonlyArray<string>) => Effect.forEach(statements, (s) => Engine.execute(s), { discard: true })

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Engine", (it) => {
    it.effect("provides Engine and SqlClient for the URL's dialect", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        assert.strictEqual(engine.dialect.name, target.dialect)
        assert.deepStrictEqual(engine.capabilities, target.capabilities)
        const rows = yield* Engine.execute(`SELECT ${placeholder(target, 1)} AS answer`, [42])
        assert.strictEqual(Number(rows[0]!["answer"]), 42)
        const sql = yield* SqlClient
        const viaClient = yield* sql<{ n: number }>`SELECT ${7} AS n`
        assert.strictEqual(Number(viaClient[0]!.n), 7)
      }))

    it.effect("a parameter given as undefined binds NULL on every database, pooled or in a transaction", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        // NULL falls back to 5 (PostgreSQL types the parameter from the other operand).
        const text = `SELECT COALESCE(${placeholder(target, 1)}, 5) AS n`
        const pooled = yield* engine.execute(text, [undefined])
        const inTransaction = yield* engine.transaction(engine.execute(text, [undefined]))
        for (const rows of [pooled, inTransaction]) assert.strictEqual(Number(rows[0]!["n"]), 5)
        assert.strictEqual(Number((yield* engine.execute(`SELECT ${placeholder(target, 1)} AS n`, [3]))[0]!["n"]), 3)
      }))

    it.effect("a value the driver cannot bind fails the statement with a typed error, pooled or in a transaction, and the engine goes on", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        const circular: Record<string, unknown> = {}
        circular["self"] = circular
        const text = `SELECT ${placeholder(target, 1)} AS x`
        const pooled = yield* Effect.either(engine.execute(text, [circular]))
        const inTransaction = yield* Effect.either(engine.transaction(engine.execute(text, [circular])))
        for (const result of [pooled, inTransaction]) {
          assert.isTrue(Either.isLeft(result))
          if (Either.isLeft(result)) assert.isString(result.left._tag)
        }
        assert.strictEqual(Number((yield* engine.execute(`SELECT ${placeholder(target, 1)} AS n`, [4]))[0]!["n"]), 4)
      }))

    it.effect("execute with single returns the first row only, in and out of a transaction", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        const three = "SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3"
        assert.strictEqual((yield* engine.execute(three)).length, 3)
        const first = yield* engine.execute(three, [], { single: true })
        assert.deepStrictEqual(first.map((r) => Number(r["n"])), [1])
        const inside = yield* engine.transaction(engine.execute(three, [], { single: true }))
        assert.deepStrictEqual(inside.map((r) => Number(r["n"])), [1])
        assert.deepStrictEqual(yield* engine.execute("SELECT 1 AS n WHERE 1 = 0", [], { single: true }), [])
      }))

    it.effect("building the layer opens nothing; the first statement connects", () =>
      Effect.scoped(Effect.gen(function*() {
        if (target.dialect === "sqlite") {
          const dir = mkdtempSync(join(tmpdir(), "retort-lazy-"))
          yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
          const file = join(dir, "lazy.db")
          const engine = yield* engineFor(`sqlite:///${file}`)
          assert.isFalse(existsSync(file), "the database file exists before the first statement")
          yield* engine.execute("SELECT 1")
          assert.isTrue(existsSync(file), "the first statement did not create the file")
          return
        }
        const url = new URL(target.url)
        const proxy = yield* countingProxy(url.hostname, Number(url.port))
        const engine = yield* engineFor(target.variant({ host: "127.0.0.1", port: proxy.port }))
        yield* Effect.sleep("100 millis")
        assert.strictEqual(proxy.connections(), 0, "a connection was opened before the first statement")
        yield* engine.execute("SELECT 1")
        assert.isAtLeast(proxy.connections(), 1)
      })))

    it.effect("a wrong address fails only at the first statement, with a typed ConnectionError", () =>
      Effect.scoped(Effect.gen(function*() {
        const port = yield* freePort
        const url = target.dialect === "sqlite"
          ? "sqlite:////nonexistent-retort-dir/app.db"
          : target.variant({ host: "127.0.0.1", port, password: SECRET })
        const { entries, exit } = yield* captureLogs(Effect.gen(function*() {
          const engine = yield* engineFor(url, { echo: true })
          return yield* engine.execute("SELECT 1")
        }))
        const error = failure(exit)
        assert.strictEqual(error._tag, "ConnectionError")
        if (error._tag !== "ConnectionError") return
        assert.strictEqual(error.dialect, target.dialect)
        if (target.dialect === "sqlite") {
          assert.strictEqual(error.database, "/nonexistent-retort-dir/app.db")
          assert.include(error.message, "/nonexistent-retort-dir/app.db")
        } else {
          assert.strictEqual(error.host, "127.0.0.1")
          assert.strictEqual(error.port, port)
          assert.strictEqual(error.database, new URL(target.url).pathname.slice(1))
          assert.include(error.message, `host 127.0.0.1, port ${port}`)
        }
        assertNoSecret([...renderings(error), ...entries.map((e) => e.text)])
      })))

    it.effect("no password appears in logs, errors or the engine's own fields", () =>
      Effect.scoped(Effect.gen(function*() {
        if (target.dialect === "sqlite") {
          // SQLite URLs carry no password; a URL error never quotes one either.
          const bad = yield* Effect.exit(Layer.build(Engine.layer(`sqlite://user:${encodeURIComponent(SECRET)}@host/x`)))
          assert.isTrue(Exit.isFailure(bad))
          if (Exit.isFailure(bad)) assertNoSecret([Cause.pretty(bad.cause)])
          return
        }
        // PostgreSQL here trusts every login, so the password is accepted and only the output is checked;
        // MariaDB's root has no password, so the login is refused with a ConnectionError.
        const { entries, exit } = yield* captureLogs(Effect.gen(function*() {
          const engine = yield* engineFor(target.variant({ password: SECRET }), { echo: true })
          assertNoSecret([
            String(engine.redactedUrl),
            inspect(engine.url, { depth: 5 }),
            JSON.stringify(engine.url),
            String(engine.url.dialect !== "sqlite" ? engine.url.password : "")
          ])
          yield* Effect.logInfo("engine built", engine.url)
          return yield* engine.execute("SELECT 1 AS one")
        }))
        if (target.dialect === "mysql") {
          const error = failure(exit)
          assert.strictEqual(error._tag, "ConnectionError")
          assert.include(error.message, "Access denied")
          assertNoSecret(renderings(error))
        } else {
          assert.isTrue(Exit.isSuccess(exit))
        }
        assert.isAtLeast(entries.length, 1)
        assertNoSecret(entries.map((e) => e.text))
      })))

    it.effect("echo writes exactly one Info entry per statement, SQL as message, parameters as annotation", () =>
      Effect.scoped(Effect.gen(function*() {
        const { entries, exit } = yield* captureLogs(Effect.gen(function*() {
          const ctx = yield* Layer.build(Engine.layer(target.url, { echo: true }))
          const engine = Context.get(ctx, Engine.Engine)
          const sql = Context.get(ctx, SqlClient)
          yield* engine.execute(`SELECT ${placeholder(target, 1)} AS a`, [1])
          yield* engine.execute(`SELECT ${placeholder(target, 1)} AS a, ${placeholder(target, 2)} AS b`, ["x", 2])
          yield* sql`SELECT ${3} AS c`
          yield* sql.withTransaction(sql`SELECT ${4} AS d`)
        }))
        assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "")
        const p = (i: number) => placeholder(target, i)
        assert.deepStrictEqual(entries.map((e) => e.message), [
          `SELECT ${p(1)} AS a`,
          `SELECT ${p(1)} AS a, ${p(2)} AS b`,
          `SELECT ${p(1)} AS c`,
          "BEGIN",
          `SELECT ${p(1)} AS d`,
          "COMMIT"
        ])
        assert.isTrue(entries.every((e) => e.level === "INFO"))
        assert.deepStrictEqual(entries.map((e) => e.annotations["params"]), [[1], ["x", 2], [3], [], [4], []])
      })))

    it.effect("with a tracer installed, each statement is a client span with its SQL", () =>
      Effect.gen(function*() {
        const spans: Array<{ name: string; attributes: Map<string, unknown> }> = []
        const tracer = Tracer.make({
          span: (name, parent, context, links, startTime, kind) => {
            const attributes = new Map<string, unknown>()
            spans.push({ name, attributes })
            return {
              _tag: "Span", name, spanId: String(spans.length), traceId: "t", parent, context, status: { _tag: "Started", startTime },
              attributes, links, sampled: true, kind,
              end: () => {}, attribute: (k: string, v: unknown) => void attributes.set(k, v), event: () => {}, addLinks: () => {}
            }
          },
          context: (f) => f()
        })
        yield* Engine.execute(`SELECT ${placeholder(target, 1)} AS traced`, [1]).pipe(Effect.withTracer(tracer))
        // Named as OpenTelemetry's database conventions say: the operation (and table, when known).
        const span = spans.find((s) => s.name === "SELECT")
        assert.isDefined(span)
        assert.strictEqual(span!.attributes.get("db.query.text"), `SELECT ${placeholder(target, 1)} AS traced`)
        assert.strictEqual(span!.attributes.get("db.system.name"), target.dialect)
      }))

    it.effect("echo is off by default", () =>
      Effect.gen(function*() {
        const { entries } = yield* captureLogs(Engine.execute("SELECT 1"))
        assert.strictEqual(entries.length, 0)
      }))

    it.effect("UniqueViolation: a duplicate unique key and a duplicate primary key", () =>
      Effect.gen(function*() {
        yield* run(setupConstraints)
        const dup = failure(yield* Effect.exit(
          Engine.execute("INSERT INTO child (id, parent_id, name, email) VALUES (2, 1, 'c2', 'a@example.com')")
        ))
        assert.strictEqual(dup._tag, "UniqueViolation")
        if (dup._tag !== "UniqueViolation") return
        assert.isDefined(dup.cause)
        if (target.dialect !== "mysql") {
          assert.strictEqual(dup.table, "child")
          assert.deepStrictEqual(dup.columns, ["email"])
        }
        if (target.dialect !== "sqlite") assert.strictEqual(dup.constraint, "child_email_key")

        const pk = failure(yield* Effect.exit(Engine.execute("INSERT INTO parent (id, name) VALUES (1, 'again')")))
        assert.strictEqual(pk._tag, "UniqueViolation")
        if (pk._tag === "UniqueViolation" && target.dialect !== "mysql") assert.deepStrictEqual(pk.columns, ["id"])
      }))

    it.effect("ForeignKeyViolation: a missing parent, and deleting a parent that has children", () =>
      Effect.gen(function*() {
        yield* run(setupConstraints)
        const missing = failure(yield* Effect.exit(
          Engine.execute("INSERT INTO child (id, parent_id, name) VALUES (2, 99, 'orphan')")
        ))
        assert.strictEqual(missing._tag, "ForeignKeyViolation")
        if (missing._tag === "ForeignKeyViolation" && target.dialect !== "sqlite") {
          assert.strictEqual(missing.table, "child")
          assert.strictEqual(missing.constraint, "child_parent_fk")
          assert.deepStrictEqual(missing.columns, ["parent_id"])
        }
        const parent = failure(yield* Effect.exit(Engine.execute("DELETE FROM parent WHERE id = 1")))
        assert.strictEqual(parent._tag, "ForeignKeyViolation")
        if (parent._tag === "ForeignKeyViolation" && target.dialect !== "sqlite") {
          assert.strictEqual(parent.constraint, "child_parent_fk")
        }
        // The failed statements changed nothing.
        const rows = yield* Engine.execute("SELECT COUNT(*) AS n FROM parent")
        assert.strictEqual(Number(rows[0]!["n"]), 1)
      }))

    it.effect("NotNullViolation: an explicit NULL and a missing value", () =>
      Effect.gen(function*() {
        yield* run(setupConstraints)
        const explicit = failure(yield* Effect.exit(Engine.execute("INSERT INTO child (id, name) VALUES (2, NULL)")))
        assert.strictEqual(explicit._tag, "NotNullViolation")
        if (explicit._tag === "NotNullViolation") {
          assert.deepStrictEqual(explicit.columns, ["name"])
          if (target.dialect !== "mysql") assert.strictEqual(explicit.table, "child")
        }
        const omitted = failure(yield* Effect.exit(Engine.execute("INSERT INTO child (id) VALUES (3)")))
        assert.strictEqual(omitted._tag, "NotNullViolation")
        if (omitted._tag === "NotNullViolation") assert.deepStrictEqual(omitted.columns, ["name"])
      }))

    it.effect("CheckViolation names the constraint", () =>
      Effect.gen(function*() {
        yield* run(setupConstraints)
        const error = failure(yield* Effect.exit(Engine.execute("INSERT INTO child (id, name, age) VALUES (2, 'c2', -1)")))
        assert.strictEqual(error._tag, "CheckViolation")
        if (error._tag === "CheckViolation") {
          assert.strictEqual(error.constraint, "child_age_check")
          if (target.dialect !== "sqlite") assert.strictEqual(error.table, "child")
        }
      }))

    it.effect("statements through SqlClient are classified by Engine.classifyErrors", () =>
      Effect.gen(function*() {
        yield* run(setupConstraints)
        const sql = yield* SqlClient
        const error = yield* sql`INSERT INTO parent (id, name) VALUES (${1}, ${"dup"})`.pipe(Engine.classifyErrors, Effect.flip)
        assert.strictEqual(error._tag, "UniqueViolation")
        const unclassified = yield* Effect.flip(sql`SELECT * FROM no_such_table`.pipe(Engine.classifyErrors))
        assert.strictEqual(unclassified._tag, "SqlError")
        // Still an SqlError, but with the database's own words.
        assert.include(unclassified.message, "no_such_table")
      }))

    it.effect("LockTimeout: a row lock not granted in time", () =>
      Effect.scoped(Effect.gen(function*() {
        const a = yield* engineFor(target.sharedUrl)
        yield* Effect.forEach(setupLocks, (s) => a.execute(s), { discard: true })
        const b = yield* engineFor(target.sharedUrl, { pool: { acquireTimeout: "200 millis" } })
        const connA = yield* a.sql.reserve
        const connB = yield* b.sql.reserve
        yield* on(a, connA, "BEGIN")
        yield* on(a, connA, "UPDATE lockme SET v = 1 WHERE id = 1")
        if (target.dialect === "postgresql") yield* on(b, connB, "SET lock_timeout = '200ms'")
        if (target.dialect === "mysql") yield* on(b, connB, "SET SESSION innodb_lock_wait_timeout = 1")
        const error = failure(yield* Effect.exit(on(b, connB, "UPDATE lockme SET v = 2 WHERE id = 1")))
        yield* on(a, connA, "ROLLBACK")
        assert.strictEqual(error._tag, "LockTimeout")
      })), { timeout: 20_000 })

    if (target.capabilities.serializationFailures) {
      it.effect("SerializationFailure: a snapshot outdated by a concurrent commit", () =>
        Effect.scoped(Effect.gen(function*() {
          const a = yield* engineFor(target.sharedUrl)
          const b = yield* engineFor(target.sharedUrl)
          yield* Effect.forEach(setupLocks, (s) => a.execute(s), { discard: true })
          const connA = yield* a.sql.reserve
          yield* on(a, connA, target.dialect === "postgresql" ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN")
          yield* on(a, connA, "SELECT v FROM lockme WHERE id = 1")
          yield* b.execute("UPDATE lockme SET v = v + 1 WHERE id = 1")
          const error = failure(yield* Effect.exit(on(a, connA, "UPDATE lockme SET v = 10 WHERE id = 1")))
          yield* on(a, connA, "ROLLBACK")
          assert.strictEqual(error._tag, "SerializationFailure")
          const rows = yield* b.execute("SELECT v FROM lockme WHERE id = 1")
          assert.strictEqual(Number(rows[0]!["v"]), 1)
        })), { timeout: 20_000 })
    }

    if (target.capabilities.deadlockDetection) {
      it.effect("DeadlockDetected: two transactions locking rows in opposite order", () =>
        Effect.scoped(Effect.gen(function*() {
          const engine = yield* engineFor(target.sharedUrl)
          yield* Effect.forEach(setupLocks, (s) => engine.execute(s), { discard: true })
          const connA = yield* engine.sql.reserve
          const connB = yield* engine.sql.reserve
          yield* on(engine, connA, "BEGIN")
          yield* on(engine, connB, "BEGIN")
          yield* on(engine, connA, "UPDATE lockme SET v = 1 WHERE id = 1")
          yield* on(engine, connB, "UPDATE lockme SET v = 1 WHERE id = 2")
          // Whichever the database picks as the victim rolls back, which lets the other one finish.
          const cross = (conn: Connection, id: number) =>
            Effect.either(on(engine, conn, `UPDATE lockme SET v = 2 WHERE id = ${id}`)).pipe(
              Effect.tap((result) => on(engine, conn, Either.isLeft(result) ? "ROLLBACK" : "COMMIT").pipe(Effect.ignore))
            )
          const results = yield* Effect.all([cross(connA, 2), cross(connB, 1)], { concurrency: 2 })
          const failures = results.filter(Either.isLeft).map((r) => r.left._tag)
          assert.deepStrictEqual(failures, ["DeadlockDetected"])
        })), { timeout: 20_000 })
    }

    if (target.dialect !== "sqlite") {
      it.effect("ConnectionError: a connection dropped by the server", () =>
        Effect.scoped(Effect.gen(function*() {
          const engine = yield* engineFor(target.url)
          const conn = yield* engine.sql.reserve
          const [row] = yield* on(
            engine,
            conn,
            target.dialect === "postgresql" ? "SELECT pg_backend_pid() AS pid" : "SELECT CONNECTION_ID() AS pid"
          )
          const pid = Number(row["pid"])
          yield* engine.execute(target.dialect === "postgresql" ? `SELECT pg_terminate_backend(${pid})` : `KILL ${pid}`)
          yield* Effect.sleep("200 millis")
          const error = failure(yield* Effect.exit(on(engine, conn, "SELECT 1")))
          assert.strictEqual(error._tag, "ConnectionError")
          // The pool recovers: a new statement gets a new connection.
          const again = yield* engine.execute("SELECT 1 AS one")
          assert.strictEqual(Number(again[0]!["one"]), 1)
        })), { timeout: 20_000 })
    }

    it.effect("the redacted URL hides the password and Redacted.value reveals the URL without it", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        assert.strictEqual(String(engine.redactedUrl), "<redacted>")
        assert.isFalse(Redacted.value(engine.redactedUrl).includes(SECRET))
      }))
  })
}
