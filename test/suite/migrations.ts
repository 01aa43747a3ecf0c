/**
 * Migrations on a real database: each operation applied and reverted through the migrator,
 * checked by what the database then accepts and refuses (and by reflection where it exists);
 * rows and foreign keys surviving SQLite's table rebuilds; up / down / status over a record
 * of migrations; an edited applied migration refused; two migrators at once applying each
 * migration exactly once; a failing migration leaving the previous revision (PostgreSQL,
 * SQLite); migrations loaded from a folder of .ts files.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Deferred, Effect, Either, Fiber, Layer, Option } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Expr from "../../src/Expr.js"
import * as Fn from "../../src/Fn.js"
import * as Inspect from "../../src/Inspect.js"
import * as MetaData from "../../src/MetaData.js"
import * as Migration from "../../src/Migration.js"
import * as Migrator from "../../src/Migrator.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Team extends Table.Class<Team>("Team")("mg_teams", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 })
}) {}
class Member extends Table.Class<Member>("Member")("mg_members", {
  id: Column.integer({ primaryKey: true }),
  email: Column.string({ length: 100 }),
  age: Column.integer({ nullable: true }),
  teamId: Column.integer({ name: "team_id", nullable: true, references: () => Team.c.id })
}) {}

class Stamped extends Table.Class<Stamped>("Stamped")("mg_stamped", {
  id: Column.integer({ primaryKey: true }),
  createdAt: Column.dateTime({ name: "created_at", serverDefault: Fn.now() }),
  code: Column.string({ length: 20, serverDefault: Expr.raw("lower('ABC')") }),
  rank: Column.integer({ serverDefault: Expr.literal(3) })
}) {}

const all = ["mg_stamped", "mg_members", "mg_people", "mg_teams", "mg_a", "mg_b", "mg_c", "mg_d", "mg_f1", "mg_f2", "mg_runs", "retort_migrations"]

const reset = Effect.gen(function*() {
  const engine = yield* Engine.Engine
  for (const t of all) yield* engine.execute(`DROP TABLE IF EXISTS ${engine.dialect.ddl.quote(t)}`)
})

let counter = 0
/** Runs one migration up through the migrator; returns a way to run it down. */
const migrate = (up: Migration.Step, down: Migration.Step) => {
  const m = Migration.make({ id: `op_${String(++counter).padStart(4, "0")}`, message: "op", up, down })
  const layer = Migrator.layer(Migrator.fromRecord([m]))
  return Effect.gen(function*() {
    yield* Migrator.up().pipe(Effect.provide(layer))
    return Migrator.down({ steps: 1 }).pipe(Effect.provide(layer))
  })
}

const fails = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.map(Effect.either(effect), Either.isLeft)
const table = (name: string) =>
  Effect.map(Inspect.tablesWith({ exclude: ["retort_migrations"] }), (s) => s.tables.find((t) => t.name === name))
const byName = <A extends { readonly name?: string | undefined }>(xs: ReadonlyArray<A>) =>
  [...xs].sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : (a.name ?? "") > (b.name ?? "") ? 1 : 0))
/** A table with its constraints and indexes in name order (columns keep theirs), to compare reflections. */
const sorted = (t: Inspect.Table): Inspect.Table => ({
  ...t,
  foreignKeys: byName(t.foreignKeys),
  indexes: byName(t.indexes),
  uniques: byName(t.uniques),
  checks: byName(t.checks)
})

export const suite: Suite = (layer, target) => {
  const q = (s: string) => (target.dialect === "mysql" ? `\`${s}\`` : `"${s}"`)
  const p = (i: number) => (target.dialect === "postgresql" ? `$${i}` : "?")

  testLayer(layer, { excludeTestServices: true, timeout: 60_000 })("Migrations", (it) => {
    it.effect("applies and reverts each operation, checked by reflection and by behaviour", () =>
      Effect.gen(function*() {
        yield* reset
        const engine = yield* Engine.Engine
        const x = (sql: string, params: ReadonlyArray<unknown> = []) => engine.execute(sql, params)
        const insertMember = (id: number, email: string, age: number | null, team: number | null) =>
          x(`INSERT INTO ${q("mg_members")} (${q("id")}, ${q("email")}, ${q("age")}, ${q("team_id")}) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`, [id, email, age, team])
        const members = Effect.map(table("mg_members"), (t) => sorted(t!))
        /**
         * Applies `up` through the migrator, checks the reflected table against `expected(before)`,
         * then reverts it and checks that reflection gives back exactly the table before.
         */
        const step = (label: string, up: Migration.Step, down: Migration.Step, expected: (before: Inspect.Table) => Inspect.Table, between?: Effect.Effect<void, unknown, Engine.Engine>) =>
          Effect.gen(function*() {
            const before = yield* members
            const undo = yield* migrate(up, down)
            assert.deepStrictEqual(yield* members, sorted(expected(before)), `${label}: applied`)
            if (between !== undefined) yield* between
            yield* undo
            assert.deepStrictEqual(yield* members, before, `${label}: reverted`)
          })
        const columnOf = (t: Inspect.Table, name: string) => t.columns.find((c) => c.name === name)!
        const withColumn = (t: Inspect.Table, name: string, change: Partial<Inspect.Column>): Inspect.Table => ({
          ...t,
          columns: t.columns.map((c) => (c.name === name ? { ...c, ...change } : c))
        })

        // createTable(Model): what Inspect.fromMetaData says the models are
        const dropTables = yield* migrate(
          Effect.zipRight(Migration.createTable(Team), Migration.createTable(Member)),
          Effect.zipRight(Migration.dropTable("mg_members"), Migration.dropTable("mg_teams"))
        )
        const models = Inspect.fromMetaData(MetaData.make(Team, Member), target.dialect).tables
        assert.deepStrictEqual(yield* members, sorted(models.find((t) => t.name === "mg_members")!))
        assert.deepStrictEqual(sorted((yield* table("mg_teams"))!), sorted(models.find((t) => t.name === "mg_teams")!))
        yield* x(`INSERT INTO ${q("mg_teams")} (${q("id")}, ${q("name")}) VALUES (1, 'a')`)
        yield* insertMember(1, "a@x", 30, 1)
        assert.isTrue(yield* fails(insertMember(2, "b@x", 1, 99)), "the model's foreign key holds")

        // addColumn (a table definition's column) / dropColumn
        const nick: Inspect.Column = { name: "nickname", type: { _tag: "string", length: 20 }, nullable: true, default: undefined, autoIncrement: false }
        yield* step("addColumn", Migration.addColumn("mg_members", nick), Migration.dropColumn("mg_members", "nickname"), (t) => ({ ...t, columns: [...t.columns, nick] }),
          Effect.asVoid(x(`UPDATE ${q("mg_members")} SET ${q("nickname")} = 'n'`)))
        assert.isTrue(yield* fails(x(`SELECT ${q("nickname")} FROM ${q("mg_members")}`)))

        // addColumn (a model column under a name, with its unique constraint) / dropColumn
        const before = yield* members
        const undoCode = yield* migrate(Migration.addColumn("mg_members", "code", Column.string({ length: 10, nullable: true, unique: true })), Migration.dropColumn("mg_members", "code"))
        const withCode = yield* members
        assert.deepStrictEqual(columnOf(withCode, "code"), { name: "code", type: { _tag: "string", length: 10 }, nullable: true, default: undefined, autoIncrement: false })
        assert.deepStrictEqual(withCode.uniques, [{ name: "mg_members_code_key", columns: ["code"] }])
        yield* x(`UPDATE ${q("mg_members")} SET ${q("code")} = 'c'`)
        assert.isTrue(yield* fails(x(`INSERT INTO ${q("mg_members")} (${q("id")}, ${q("email")}, ${q("code")}) VALUES (2, 'b@x', 'c')`)), "its unique constraint holds")
        yield* undoCode
        assert.deepStrictEqual(yield* members, before, "addColumn(model column): reverted")

        // addColumn (a model column with references): the foreign key comes with it
        const lead = { name: "mg_members_lead_id_fkey", columns: ["lead_id"], referencedTable: "mg_teams", referencedColumns: ["id"], onDelete: "cascade", onUpdate: "noAction" } as const
        yield* step("addColumn(model column, references)",
          Migration.addColumn("mg_members", "lead_id", Column.integer({ nullable: true, references: () => Team.c.id, onDelete: "cascade" })),
          Effect.zipRight(Migration.dropForeignKey("mg_members", lead.name), Migration.dropColumn("mg_members", "lead_id")),
          (t) => ({
            ...t,
            columns: [...t.columns, { name: "lead_id", type: { _tag: "integer" }, nullable: true, default: undefined, autoIncrement: false }],
            foreignKeys: [...t.foreignKeys, lead]
          }),
          Effect.map(fails(x(`UPDATE ${q("mg_members")} SET ${q("lead_id")} = 99`)), (refused) => assert.isTrue(refused, "its foreign key holds")))
        // A column whose own name option differs from the name given is refused, nothing run.
        const misnamed = yield* Effect.flip(migrate(Migration.addColumn("mg_members", "x", Column.integer({ name: "y", nullable: true })), Migration.dropColumn("mg_members", "x")))
        assert.strictEqual(misnamed._tag === "MigrationError" && misnamed.reason, "InvalidOperation")
        assert.match(misnamed.message, /named "y"/)

        // addUnique / dropUnique
        const unique = { name: "mg_members_email_key", columns: ["email"] }
        yield* step("addUnique", Migration.addUnique("mg_members", unique), Migration.dropUnique("mg_members", unique.name), (t) => ({ ...t, uniques: [...t.uniques, unique] }),
          Effect.map(fails(insertMember(2, "a@x", 1, 1)), (refused) => assert.isTrue(refused, "unique refuses a duplicate")))
        yield* insertMember(2, "a@x", 1, 1)

        // addCheck / dropCheck
        const check = { name: "mg_members_age_check", sql: "age >= 0" }
        yield* step("addCheck", Migration.addCheck("mg_members", check), Migration.dropCheck("mg_members", check.name),
          (t) => ({ ...t, checks: [...t.checks, { name: check.name, sql: Inspect.normalizeCheck(target.dialect, check.sql) }] }),
          Effect.map(fails(insertMember(3, "c@x", -1, 1)), (refused) => assert.isTrue(refused, "check refuses")))
        yield* insertMember(3, "c@x", -1, 1)

        // dropForeignKey / addForeignKey (the reverse of the model's key)
        const fk = { name: "mg_members_team_id_fkey", columns: ["team_id"], referencedTable: "mg_teams", referencedColumns: ["id"], onDelete: "noAction", onUpdate: "noAction" } as const
        yield* step("dropForeignKey", Migration.dropForeignKey("mg_members", fk.name), Migration.addForeignKey("mg_members", fk), (t) => ({ ...t, foreignKeys: t.foreignKeys.filter((f) => f.name !== fk.name) }),
          Effect.asVoid(Effect.zipRight(insertMember(4, "d@x", 1, 99), x(`DELETE FROM ${q("mg_members")} WHERE ${q("id")} = 4`))))
        assert.isTrue(yield* fails(insertMember(4, "d@x", 1, 99)), "the foreign key is back")

        // createIndex / dropIndex (a unique index refuses duplicates; MariaDB reports one as a unique constraint)
        yield* x(`DELETE FROM ${q("mg_members")} WHERE ${q("id")} > 1`)
        const index = { name: "ix_mg_members_email", columns: ["email"], unique: true }
        yield* step("createIndex", Migration.createIndex("mg_members", index), Migration.dropIndex("mg_members", index.name),
          (t) => target.dialect === "mysql" ? { ...t, uniques: [...t.uniques, { name: index.name, columns: index.columns }] } : { ...t, indexes: [...t.indexes, index] },
          Effect.map(fails(insertMember(5, "a@x", 1, 1)), (refused) => assert.isTrue(refused, "the unique index refuses a duplicate")))
        yield* insertMember(5, "a@x", 1, 1)

        // alterColumn: nullability and default together (MariaDB: MODIFY of the reflected column)
        yield* step("alterColumn nullable", Migration.alterColumn("mg_members", "age", { nullable: false, default: "7" }), Migration.alterColumn("mg_members", "age", { nullable: true, default: null }),
          (t) => withColumn(t, "age", { nullable: false, default: Inspect.normalizeDefault(target.dialect, "7") }),
          Effect.gen(function*() {
            assert.isTrue(yield* fails(insertMember(6, "e@x", null, 1)), "NOT NULL refuses")
            yield* x(`INSERT INTO ${q("mg_members")} (${q("id")}, ${q("email")}) VALUES (7, 'f@x')`)
            assert.strictEqual(Number((yield* x(`SELECT ${q("age")} FROM ${q("mg_members")} WHERE ${q("id")} = 7`))[0]!["age"]), 7)
          }))
        yield* insertMember(6, "e@x", null, 1)
        // alterColumn: a default; then, with it, a type change keeps it (MariaDB's MODIFY writes it again)
        yield* step("alterColumn default", Migration.alterColumn("mg_members", "age", { default: "3" }), Migration.alterColumn("mg_members", "age", { default: null }),
          (t) => withColumn(t, "age", { default: Inspect.normalizeDefault(target.dialect, "3") }),
          step("alterColumn type keeps default", Migration.alterColumn("mg_members", "age", { type: { _tag: "bigint" } }), Migration.alterColumn("mg_members", "age", { type: { _tag: "integer" } }),
            (t) => withColumn(t, "age", { type: { _tag: "bigint" } })))
        // alterColumn: type
        yield* step("alterColumn type", Migration.alterColumn("mg_members", "email", { type: { _tag: "string", length: 200 } }), Migration.alterColumn("mg_members", "email", { type: { _tag: "string", length: 100 } }),
          (t) => withColumn(t, "email", { type: { _tag: "string", length: 200 } }),
          Effect.asVoid(Effect.zipRight(
            x(`INSERT INTO ${q("mg_members")} (${q("id")}, ${q("email")}) VALUES (8, ${p(1)})`, ["x".repeat(150)]),
            x(`DELETE FROM ${q("mg_members")} WHERE ${q("id")} = 8`)
          )))
        // alterColumn on the primary key: MariaDB's MODIFY keeps AUTO_INCREMENT and the key
        yield* step("alterColumn key", Migration.alterColumn("mg_members", "id", { type: { _tag: "bigint" } }), Migration.alterColumn("mg_members", "id", { type: { _tag: "integer" } }),
          // SQLite's autoincremented key is its rowid, INTEGER PRIMARY KEY whatever the type asked (a rowid is 64-bit already).
          (t) => target.dialect === "sqlite" ? t : withColumn(t, "id", { type: { _tag: "bigint" } }))

        // renameColumn / renameTable
        const renamedBefore = yield* members
        const undoRenames = yield* migrate(
          Effect.zipRight(Migration.renameColumn("mg_members", "email", "mail"), Migration.renameTable("mg_members", "mg_people")),
          Effect.zipRight(Migration.renameTable("mg_people", "mg_members"), Migration.renameColumn("mg_members", "mail", "email"))
        )
        assert.isUndefined(yield* table("mg_members"))
        const people = sorted((yield* table("mg_people"))!)
        assert.deepStrictEqual(people.columns.map((c) => c.name), ["id", "mail", "age", "team_id"])
        assert.deepStrictEqual(people.columns.find((c) => c.name === "mail"), { ...columnOf(renamedBefore, "email"), name: "mail" })
        assert.isAbove((yield* x(`SELECT ${q("mail")} FROM ${q("mg_people")}`)).length, 0)
        yield* undoRenames
        assert.isUndefined(yield* table("mg_people"))
        assert.deepStrictEqual(yield* members, renamedBefore, "renames: reverted")

        const rows = yield* x(`SELECT ${q("id")}, ${q("email")}, ${q("team_id")} FROM ${q("mg_members")} ORDER BY ${q("id")}`)
        // Every row survived every rebuild, with its foreign key.
        assert.deepStrictEqual(rows.map((r) => Number(r["id"])), [1, 5, 6, 7])
        assert.isTrue(yield* fails(insertMember(9, "z@x", 1, 99)))
        // After all of it, the table is the model's again.
        assert.deepStrictEqual(yield* members, sorted(models.find((t) => t.name === "mg_members")!))
        yield* dropTables
        assert.isUndefined(yield* table("mg_members"))
        assert.isUndefined(yield* table("mg_teams"))
      }))

    if (target.dialect === "postgresql") {
      it.effect("creates, extends and drops an enum type", () =>
        Effect.gen(function*() {
          yield* reset
          const engine = yield* Engine.Engine
          yield* engine.execute(`DROP TYPE IF EXISTS "mg_mood"`)
          const undo = yield* migrate(
            Effect.zipRight(Migration.createEnum({ name: "mg_mood", values: ["happy"] }), Migration.addEnumValue("mg_mood", "sad")),
            Migration.dropEnum("mg_mood")
          )
          const labels = yield* engine.execute(`SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mg_mood' ORDER BY enumsortorder`)
          assert.deepStrictEqual(labels.map((r) => r["enumlabel"]), ["happy", "sad"])
          assert.deepStrictEqual((yield* Inspect.tables).enums.filter((e) => e.name === "mg_mood"), [{ name: "mg_mood", values: ["happy", "sad"] }])
          yield* undo
          assert.deepStrictEqual((yield* Inspect.tables).enums.filter((e) => e.name === "mg_mood"), [])
          assert.lengthOf(yield* engine.execute(`SELECT 1 FROM pg_type WHERE typname = 'mg_mood'`), 0)
        }))
    }

    const three = (tag: string) => [
      Migration.make({ id: "0001_a", message: "a", up: Migration.execute(`CREATE TABLE ${q("mg_a")} (id INTEGER PRIMARY KEY)`), down: Migration.dropTable("mg_a") }),
      Migration.make({ id: "0002_b", message: "b", up: Migration.execute(`CREATE TABLE ${q("mg_b")} (id INTEGER PRIMARY KEY)`), down: Migration.dropTable("mg_b") }),
      Migration.make({ id: "0003_c", message: `c${tag}`, up: Migration.execute(`CREATE TABLE ${q("mg_c")} (id INTEGER PRIMARY KEY)`), down: Migration.dropTable("mg_c") })
    ]
    const exists = (name: string) => Effect.map(Effect.either(Engine.execute(`SELECT 1 FROM ${q(name)}`)), Either.isRight)

    it.effect("function and expression server defaults: createTable, addColumn and alterColumn write them as the database needs", () =>
      Effect.gen(function*() {
        yield* reset
        const expected = Inspect.fromMetaData(MetaData.make(Stamped), target.dialect).tables[0]!
        const down = yield* migrate(Migration.createTable(Stamped), Migration.dropTable("mg_stamped"))
        assert.deepStrictEqual(sorted((yield* table("mg_stamped"))!), sorted(expected))
        const engine = yield* Engine.Engine
        yield* engine.execute(`INSERT INTO ${q("mg_stamped")} (${q("id")}) VALUES (${p(1)})`, [1])
        const [row] = yield* engine.execute(`SELECT ${q("code")} AS code, ${q("rank")} AS r, ${q("created_at")} AS c FROM ${q("mg_stamped")}`)
        assert.deepStrictEqual([row!["code"], Number(row!["r"])], ["abc", 3])
        assert.isNotNull(row!["c"])
        const now = expected.columns.find((c) => c.name === "created_at")!.default!
        const code = Inspect.normalizeDefault(target.dialect, "abs(-7)")!
        const undoAdd = yield* migrate(
          Migration.addColumn("mg_stamped", { name: "touched_at", type: expected.columns.find((c) => c.name === "created_at")!.type, nullable: false, default: now, autoIncrement: false }),
          Migration.dropColumn("mg_stamped", "touched_at")
        )
        const added = (yield* table("mg_stamped"))!.columns.find((c) => c.name === "touched_at")!
        assert.strictEqual(added.default, now)
        const undoAlter = yield* migrate(
          Migration.alterColumn("mg_stamped", "rank", { default: "abs(-7)" }),
          Migration.alterColumn("mg_stamped", "rank", { default: "3" })
        )
        assert.strictEqual((yield* table("mg_stamped"))!.columns.find((c) => c.name === "rank")!.default, code)
        yield* undoAlter
        yield* undoAdd
        assert.deepStrictEqual(sorted((yield* table("mg_stamped"))!), sorted(expected))
        yield* down
        assert.isUndefined(yield* table("mg_stamped"))
      }))

    it.effect("up, down and status over a record of migrations", () =>
      Effect.gen(function*() {
        yield* reset
        const source = Migrator.layer(Migrator.fromRecord(three("")))
        const run = <A, E>(e: Effect.Effect<A, E, Engine.Engine | Migrator.Source>) => Effect.provide(e, source)
        assert.deepStrictEqual((yield* run(Migrator.status)).map((s) => s.state), ["pending", "pending", "pending"])
        assert.deepStrictEqual((yield* run(Migrator.up("0002_b"))).map((r) => r.id), ["0001_a", "0002_b"])
        assert.isFalse(yield* exists("mg_c"))
        const status = yield* run(Migrator.status)
        assert.deepStrictEqual(status.map((s) => s.state), ["applied", "applied", "pending"])
        assert.isString(status[0]!.appliedAt)
        assert.deepStrictEqual((yield* run(Migrator.up())).map((r) => r.id), ["0003_c"])
        assert.deepStrictEqual(yield* run(Migrator.up()), [])
        assert.deepStrictEqual((yield* run(Migrator.down({ steps: 1 }))).map((r) => r.id), ["0003_c"])
        assert.isFalse(yield* exists("mg_c"))
        assert.deepStrictEqual((yield* run(Migrator.down({ to: "0001_a" }))).map((r) => r.id), ["0002_b"])
        assert.isTrue(yield* exists("mg_a"))
        assert.isFalse(yield* exists("mg_b"))
        const unknown = yield* Effect.flip(run(Migrator.up("9999")))
        assert.strictEqual(unknown._tag === "MigrationError" && unknown.reason, "UnknownTarget")
        // A migration applied here but gone from the source is reported missing.
        const missing = yield* Migrator.status.pipe(Effect.provide(Migrator.layer(Migrator.fromRecord([]))))
        assert.deepStrictEqual(missing.map((s) => [s.id, s.state]), [["0001_a", "missing"]])
        yield* run(Migrator.down({ steps: 5 }))
        assert.isFalse(yield* exists("mg_a"))
      }))

    it.effect("refuses an edited applied migration, running nothing", () =>
      Effect.gen(function*() {
        yield* reset
        yield* Migrator.up("0002_b").pipe(Effect.provide(Migrator.layer(Migrator.fromRecord(three("")))))
        const edited = three("")
        edited[1] = Migration.make({ id: "0002_b", message: "b", up: Migration.execute(`CREATE TABLE ${q("mg_b")} (id INTEGER PRIMARY KEY, x INTEGER)`), down: Migration.dropTable("mg_b") })
        const source = Migrator.layer(Migrator.fromRecord(edited))
        const error = yield* Effect.flip(Migrator.up().pipe(Effect.provide(source)))
        assert.strictEqual(error._tag === "MigrationError" && error.reason, "ChecksumMismatch")
        assert.strictEqual(error._tag === "MigrationError" && error.migration, "0002_b")
        assert.isFalse(yield* exists("mg_c"), "nothing ran")
        assert.deepStrictEqual((yield* Migrator.status.pipe(Effect.provide(source))).map((s) => s.checksumMismatch), [false, true, false])
        // The checksum sees the operations, not only the message.
        const downEdited = three("")
        downEdited[0] = Migration.make({ id: "0001_a", message: "a", up: downEdited[0]!.up, down: Migration.execute("SELECT 1") })
        const e2 = yield* Effect.flip(Migrator.down({ steps: 1 }).pipe(Effect.provide(Migrator.layer(Migrator.fromRecord(downEdited)))))
        assert.strictEqual(e2._tag === "MigrationError" && e2.reason, "ChecksumMismatch")
      }))

    const historyIds = Effect.map(Engine.execute(`SELECT ${q("id")} FROM ${q("retort_migrations")} ORDER BY ${q("id")}`), (rows) => rows.map((r) => String(r["id"])))
    const reflected = Effect.map(Inspect.tablesWith({ exclude: ["retort_migrations"] }), (s) => s.tables.map(sorted))

    it.effect("a failing migration leaves the previous revision (PostgreSQL, SQLite: reflection and history unchanged)", () =>
      Effect.gen(function*() {
        yield* reset
        const bad = [
          three("")[0]!,
          Migration.make({
            id: "0002_bad",
            message: "bad",
            // DDL of every kind before the failure: a new table, a column on an existing one, an index.
            up: Effect.all([
              Migration.execute(`CREATE TABLE ${q("mg_f1")} (id INTEGER PRIMARY KEY)`),
              Migration.addColumn("mg_a", { name: "extra", type: { _tag: "integer" }, nullable: true, default: undefined, autoIncrement: false }),
              Migration.createIndex("mg_a", { name: "ix_mg_a_extra", columns: ["extra"], unique: false }),
              Migration.execute(`INSERT INTO ${q("mg_nope")} VALUES (1)`)
            ], { discard: true }),
            down: Migration.dropTable("mg_f1")
          }),
          three("")[2]!
        ]
        const source = Migrator.layer(Migrator.fromRecord(bad))
        const failedUp = Effect.gen(function*() {
          const error = yield* Effect.flip(Migrator.up().pipe(Effect.provide(source)))
          assert.strictEqual(error._tag === "MigrationError" && error.reason, "Failed")
          assert.strictEqual(error._tag === "MigrationError" && error.migration, "0002_bad")
          // The database's own error (an unknown table), as the cause.
          assert.strictEqual(error._tag === "MigrationError" && (error.cause as { _tag?: string } | undefined)?._tag, "SqlError")
        })

        // In a run of its own, after the previous revision was applied by an earlier run.
        assert.deepStrictEqual((yield* Migrator.up("0001_a").pipe(Effect.provide(source))).map((r) => r.id), ["0001_a"])
        const previous = yield* reflected
        yield* failedUp
        assert.deepStrictEqual(yield* historyIds, ["0001_a"], "history unchanged")
        assert.deepStrictEqual((yield* Migrator.status.pipe(Effect.provide(source))).map((s) => s.state), ["applied", "pending", "pending"])
        assert.isFalse(yield* exists("mg_c"), "the migration after the failed one did not run")
        if (target.capabilities.transactionalDdl) {
          assert.deepStrictEqual(yield* reflected, previous, "the schema is the previous revision's")
        } else {
          // MariaDB commits each DDL statement: what the failed migration did before failing stays.
          assert.isTrue(yield* exists("mg_f1"))
          assert.isDefined((yield* table("mg_a"))?.columns.find((c) => c.name === "extra"))
        }

        // In the same run as the migration before it (SQLite: one transaction, a savepoint each).
        yield* reset
        yield* failedUp
        assert.deepStrictEqual(yield* historyIds, ["0001_a"], "the migration before the failed one is committed")
        assert.isTrue(yield* exists("mg_a"))
        assert.isFalse(yield* exists("mg_c"))
        if (target.capabilities.transactionalDdl) {
          assert.isFalse(yield* exists("mg_f1"))
          assert.deepStrictEqual(yield* reflected, previous)
        }
      }))

    it.effect("two migrators started at once apply each migration exactly once", () =>
      Effect.gen(function*() {
        const shared = Engine.layer(target.sharedUrl).pipe(Layer.orDie)
        const onShared = <A, E>(e: Effect.Effect<A, E, Engine.Engine>) => Effect.provide(e, shared)
        // Each migration records that its statements ran in mg_runs, in its own transaction where there is one.
        const counted = (id: string, t: string, extra: Migration.Step = Effect.void) =>
          Migration.make({
            id,
            message: id,
            up: Effect.all([
              Migration.execute(`INSERT INTO ${q("mg_runs")} (${q("id")}) VALUES (${p(1)})`, [id]),
              Migration.execute(`CREATE TABLE ${q(t)} (id INTEGER PRIMARY KEY)`),
              extra
            ], { discard: true }),
            down: Migration.dropTable(t)
          })
        const prepare = onShared(Effect.zipRight(reset, Engine.execute(`CREATE TABLE ${q("mg_runs")} (${q("id")} VARCHAR(20) NOT NULL)`)))
        const runs = onShared(Effect.map(Engine.execute(`SELECT ${q("id")} FROM ${q("mg_runs")} ORDER BY ${q("id")}`), (rows) => rows.map((r) => String(r["id"]))))
        const ids = ["0001_a", "0002_b", "0003_c"]

        // 1. A latch: the first migrator holds the lock inside its first migration while the second one starts.
        yield* prepare
        const inside = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        const loaded = yield* Deferred.make<void>()
        const gate: Migration.Step = Effect.zipRight(Deferred.succeed(inside, undefined), Deferred.await(release))
        const base = Migrator.fromRecord([counted("0001_a", "mg_a", gate), counted("0002_b", "mg_b"), counted("0003_c", "mg_c")])
        const first = yield* Effect.fork(onShared(Migrator.up().pipe(Effect.provide(Migrator.layer(base)))))
        yield* Deferred.await(inside)
        const signalling: Migrator.Migrations = { load: Effect.tap(base.load, () => Deferred.succeed(loaded, undefined)) }
        const second = yield* Effect.fork(onShared(Migrator.up().pipe(Effect.provide(Migrator.layer(signalling)))))
        yield* Deferred.await(loaded)
        yield* Effect.sleep("500 millis")
        assert.isTrue(Option.isNone(yield* Fiber.poll(second)), "the second migrator waits for the lock")
        yield* Deferred.succeed(release, undefined)
        assert.deepStrictEqual((yield* Fiber.join(first)).map((r) => r.id), ids)
        assert.deepStrictEqual(yield* Fiber.join(second), [], "the second migrator finds everything applied")
        assert.deepStrictEqual(yield* runs, ids, "each migration's statements ran once")
        assert.deepStrictEqual(yield* onShared(historyIds), ids)

        // 2. No latch: two migrators forked together, whichever wins.
        yield* prepare
        const one = onShared(Migrator.up().pipe(Effect.provide(Migrator.layer(Migrator.fromRecord([counted("0001_a", "mg_a"), counted("0002_b", "mg_b"), counted("0003_c", "mg_c")])))))
        const [a, b] = yield* Effect.all([one, one], { concurrency: 2 })
        assert.deepStrictEqual([...a, ...b].map((r) => r.id).sort(), ids)
        assert.deepStrictEqual(yield* runs, ids, "each migration's statements ran once")
        assert.deepStrictEqual(yield* onShared(historyIds), ids)
        yield* onShared(reset)
      }))

    it.effect("loads .ts migrations from a folder", () =>
      Effect.gen(function*() {
        yield* reset
        const dir = mkdtempSync(join(tmpdir(), "retort-migrations-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
        const migrationModule = new URL("../../src/Migration.js", import.meta.url).pathname.replace(/\.js$/, ".ts")
        const write = (file: string, body: string) => writeFileSync(join(dir, file), `import * as Migration from ${JSON.stringify(migrationModule)}\n${body}\n`)
        write("0001_d.ts", `export default Migration.make({ id: "0001_d", message: "d", up: Migration.execute(${JSON.stringify(`CREATE TABLE ${q("mg_d")} (id INTEGER PRIMARY KEY)`)}), down: Migration.dropTable("mg_d") })`)
        write("0002_a.ts", `const n: number = 1\nexport const migration = Migration.make({ id: "0002_a", message: "a" + n, up: Migration.execute(${JSON.stringify(`CREATE TABLE ${q("mg_a")} (id INTEGER PRIMARY KEY)`)}), down: Migration.dropTable("mg_a") })`)
        const source = Migrator.layer(Migrator.fromFolder(dir))
        assert.deepStrictEqual((yield* Migrator.up().pipe(Effect.provide(source))).map((r) => [r.id, r.message]), [["0001_d", "d"], ["0002_a", "a1"]])
        assert.isTrue(yield* exists("mg_d"))
        // Editing an applied file is refused.
        write("0001_d.ts", `// edited\nexport default Migration.make({ id: "0001_d", message: "d", up: Migration.execute("SELECT 1"), down: Migration.dropTable("mg_d") })`)
        const error = yield* Effect.flip(Migrator.down({ steps: 2 }).pipe(Effect.provide(source)))
        assert.strictEqual(error._tag === "MigrationError" && error.reason, "ChecksumMismatch")
        write("0003_bad.ts", "export const nothing = 1")
        const bad = yield* Effect.flip(Migrator.status.pipe(Effect.provide(source)))
        assert.strictEqual(bad._tag === "MigrationError" && bad.reason, "LoadFailed")
      }).pipe(Effect.scoped))
  })
}
