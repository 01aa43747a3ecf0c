/**
 * Tenants on a real database: schema per tenant (`schema` on a session or a transaction:
 * PostgreSQL's transaction-local search_path, MariaDB's default database) with two tenants
 * and untenanted reads sharing one small pool under 20 concurrent fibers, none seeing
 * another's rows; PostgreSQL row-level security through transaction-local `settings`,
 * which never reach the connection's next user; and the refusals (SQLite, settings on
 * MariaDB, nested blocks, bad values) as `OptionError`.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import { engineFor } from "../harness/engines.js"
import type { Suite } from "../harness/targets.js"

class Item extends Table.Class<Item>("Item")("tn_items", {
  id: Column.integer({ primaryKey: true, autoincrement: true }),
  owner: Column.string({ length: 20 })
}) {}

class Doc extends Table.Class<Doc>("Doc")("tn_docs", {
  id: Column.integer({ primaryKey: true }),
  tenantId: Column.integer({ name: "tenant_id" }),
  body: Column.string({ length: 50 })
}) {}

const unique = Math.random().toString(36).slice(2, 8)

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true, timeout: "60 seconds" })("Tenants", (it) => {
    if (target.dialect === "sqlite") {
      it.effect("SQLite refuses tenant schemas and settings with OptionError", () =>
        Effect.gen(function*() {
          const schema = yield* Session.transaction(Effect.void, { schema: "a" }).pipe(Effect.provide(Session.layer), Effect.flip)
          assert.strictEqual(schema._tag, "OptionError")
          assert.include(schema.message, "SQLite")
          const settings = yield* Engine.transaction(Effect.void, { settings: { "app.tenant": "1" } }).pipe(Effect.flip)
          assert.strictEqual(settings._tag, "OptionError")
        }))
      return
    }

    const tenants = [`tn_a_${unique}`, `tn_b_${unique}`]
    const quote = (name: string) => (target.dialect === "postgresql" ? `"${name}"` : `\`${name}\``)
    const create = target.dialect === "postgresql" ? "CREATE SCHEMA" : "CREATE DATABASE"
    const drop = target.dialect === "postgresql" ? "DROP SCHEMA IF EXISTS" : "DROP DATABASE IF EXISTS"
    const cascade = target.dialect === "postgresql" ? " CASCADE" : ""
    const itemTable = (qualifier: string | undefined) =>
      `CREATE TABLE ${qualifier === undefined ? "" : `${quote(qualifier)}.`}tn_items (id ${
        target.dialect === "postgresql" ? "SERIAL" : "INTEGER AUTO_INCREMENT"
      } PRIMARY KEY, owner VARCHAR(20) NOT NULL)`

    /** Each tenant's schema with its own tn_items, and one in the file's own schema too. */
    const tenantSchemas = Effect.acquireRelease(
      Effect.gen(function*() {
        yield* Engine.execute("DROP TABLE IF EXISTS tn_items")
        yield* Engine.execute(itemTable(undefined))
        for (const t of tenants) {
          yield* Engine.execute(`${drop} ${quote(t)}${cascade}`)
          yield* Engine.execute(`${create} ${quote(t)}`)
          yield* Engine.execute(itemTable(t))
        }
      }),
      () => Effect.orDie(Effect.forEach(tenants, (t) => Engine.execute(`${drop} ${quote(t)}${cascade}`)))
    )

    it.scoped("two tenants and untenanted reads share a pool of 3 under 20 fibers, none seeing another's rows", () =>
      Effect.gen(function*() {
        yield* tenantSchemas
        const engine = yield* engineFor(target.url, { pool: { size: 3 } })
        const onEngine = <A, E>(effect: Effect.Effect<A, E, Engine.Engine>) => Effect.provideService(effect, Engine.Engine, engine)
        yield* onEngine(Query.execute(Query.insert(Item).values({ owner: "nobody" })))
        const work = (i: number) => {
          const tenant = tenants[i % 2]!
          if (i % 5 === 4) {
            // No tenant: the file's own schema, whatever the connection served before.
            return onEngine(Effect.map(Query.execute(Query.select(Item)), (rows) => rows.map((r) => ["none", r.owner] as const)))
          }
          return onEngine(
            Session.use((session) =>
              Effect.gen(function*() {
                yield* session.add(Item, { owner: tenant })
                yield* session.flush
                const seen = yield* session.query(Item).all
                yield* session.commit
                return seen.map((r) => [tenant, r.owner] as const)
              }), { schema: tenant })
          )
        }
        const results = yield* Effect.forEach(Array.from({ length: 20 }, (_, i) => i), work, { concurrency: 20 })
        for (const pairs of results) for (const [who, owner] of pairs) assert.strictEqual(owner, who === "none" ? "nobody" : who)
        // Each tenant's schema holds its own rows only; a transaction option does the same.
        for (const t of tenants) {
          const rows = yield* onEngine(Engine.transaction(Query.execute(Query.select(Item)), { schema: t }))
          assert.strictEqual(rows.length, 8)
          assert.isTrue(rows.every((r) => r.owner === t))
        }
        const untenanted = yield* onEngine(Query.execute(Query.select(Item)))
        assert.deepStrictEqual(untenanted.map((r) => r.owner), ["nobody"])
      }))

    it.effect("tenant options are for the outermost transaction only, and are checked", () =>
      Effect.gen(function*() {
        const nested = yield* Engine.transaction(Engine.transaction(Effect.void, { schema: tenants[0]! })).pipe(Effect.flip)
        assert.strictEqual(nested._tag, "OptionError")
        assert.include(nested.message, "outermost")
        const empty = yield* Engine.transaction(Effect.void, { schema: "" }).pipe(Effect.flip)
        assert.strictEqual(empty._tag, "OptionError")
        const bad = yield* Engine.transaction(Effect.void, { settings: { "app.x": 1 as unknown as string } }).pipe(Effect.flip)
        assert.strictEqual(bad._tag, "OptionError")
        // A schema name is an identifier, never SQL: a hostile one names a schema that does not exist.
        const hostile = yield* Engine.transaction(Query.execute(Query.select(Item)), { schema: `x"; DROP TABLE tn_items; --` }).pipe(Effect.flip)
        assert.notStrictEqual(hostile._tag, "OptionError")
        const still = yield* Engine.execute("SELECT COUNT(*) AS n FROM tn_items")
        assert.isDefined(still[0])
      }))

    if (target.dialect === "mysql") {
      it.effect("MariaDB refuses transaction settings with OptionError", () =>
        Effect.gen(function*() {
          const refused = yield* Engine.transaction(Effect.void, { settings: { "app.tenant_id": "1" } }).pipe(Effect.flip)
          assert.strictEqual(refused._tag, "OptionError")
          assert.include(refused.message, "PostgreSQL")
        }))
      return
    }

    it.scoped("PostgreSQL row-level security through transaction-local settings, which never leak to the next user", () =>
      Effect.gen(function*() {
        const role = `retort_rls_${unique}`
        yield* Effect.acquireRelease(
          Effect.gen(function*() {
            yield* Engine.execute("DROP TABLE IF EXISTS tn_docs")
            yield* Engine.execute("CREATE TABLE tn_docs (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, body VARCHAR(50) NOT NULL)")
            yield* Engine.execute("INSERT INTO tn_docs VALUES (1, 1, 'one'), (2, 1, 'uno'), (3, 2, 'two')")
            yield* Engine.execute("ALTER TABLE tn_docs ENABLE ROW LEVEL SECURITY")
            yield* Engine.execute("CREATE POLICY by_tenant ON tn_docs USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::int)")
            yield* Engine.execute(`CREATE ROLE ${role} LOGIN`)
            const [{ schema }] = (yield* Engine.execute("SELECT current_schema() AS schema")) as ReadonlyArray<{ schema: string }> as [{ schema: string }]
            yield* Engine.execute(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}`)
            yield* Engine.execute(`GRANT SELECT ON tn_docs TO ${role}`)
          }),
          () =>
            Effect.orDie(Effect.gen(function*() {
              yield* Engine.execute("DROP TABLE IF EXISTS tn_docs")
              yield* Engine.execute(`DROP OWNED BY ${role}`)
              yield* Engine.execute(`DROP ROLE IF EXISTS ${role}`)
            }))
        )
        // The policy applies to a user that is not the table's owner nor a superuser.
        const engine = yield* engineFor(target.variant({ username: role }), { pool: { size: 1 } })
        const asUser = <A, E>(effect: Effect.Effect<A, E, Engine.Engine>) => Effect.provideService(effect, Engine.Engine, engine)
        const bodies = (tenant: string) =>
          asUser(Engine.transaction(Query.execute(Query.select(Doc).orderBy(Doc.c.id)), { settings: { "app.tenant_id": tenant } })).pipe(
            Effect.map((rows) => rows.map((r) => r.body))
          )
        assert.deepStrictEqual(yield* bodies("1"), ["one", "uno"])
        assert.deepStrictEqual(yield* bodies("2"), ["two"])
        // The one pooled connection served tenant 2 last: outside a transaction it sees nothing.
        assert.deepStrictEqual(yield* asUser(Query.execute(Query.select(Doc))), [])
        const [setting] = yield* asUser(Engine.execute("SELECT current_setting('app.tenant_id', true) AS v"))
        assert.isTrue(setting!["v"] === null || setting!["v"] === "")
        // A session with settings reads in its transaction, under the policy.
        const inSession = yield* asUser(Session.use((s) => s.query(Doc).orderBy(Doc.c.id).all, { settings: { "app.tenant_id": "1" } }))
        assert.deepStrictEqual(inSession.map((d) => d.body), ["one", "uno"])
        // A value is a parameter, never SQL.
        assert.deepStrictEqual(yield* bodies("1' OR '1'='1").pipe(Effect.catchAll(() => Effect.succeed(["refused"]))), ["refused"])
      }))
  })
}


