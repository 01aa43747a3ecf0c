/**
 * What `session.insert` returns is what the database stored (issue 11's insert path): on
 * SQLite most inserts complete the instance from the bound values and the rowid, without
 * RETURNING; everywhere the instance must equal a fresh read of the row, for every column
 * type, with keys generated or given, nullable columns left out, and server defaults.
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { BigDecimal, Chunk, DateTime, Effect, Equal, Fiber, Option, Schema, Stream } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Fn from "../../src/Fn.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import type { Suite } from "../harness/targets.js"

class Thing extends Table.Class<Thing>("Thing")("ir_things", {
  id: Column.integer({ primaryKey: true }),
  big: Column.bigint({ nullable: true }),
  ratio: Column.float({ nullable: true }),
  price: Column.numeric({ precision: 10, scale: 2, nullable: true }),
  wide: Column.numeric({ precision: 30, scale: 4, nullable: true }),
  name: Column.string({ length: 40 }),
  body: Column.text({ nullable: true }),
  flag: Column.boolean({ nullable: true }),
  day: Column.date({ nullable: true }),
  at: Column.dateTime({ nullable: true }),
  clock: Column.time({ nullable: true }),
  ref: Column.uuid({ nullable: true }),
  kind: Column.literal("a", "b").with({ nullable: true }),
  doc: Column.json(Schema.Struct({ n: Schema.Number, tags: Schema.Array(Schema.String) }), { nullable: true }),
  blob: Column.binary({ nullable: true })
}) {}

class Stamped extends Table.Class<Stamped>("Stamped")("ir_stamped", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 40 }),
  createdAt: Column.dateTime({ serverDefault: Fn.now(), name: "created_at" }),
  score: Column.integer({ default: () => 7 })
}) {}

// Only types every database stores as bound (`ValueHooks.storedAsBound`; MariaDB's float
// is read back): with every column given, no insert of it has RETURNING on any database.
class Plain extends Table.Class<Plain>("Plain")("ir_plain", {
  id: Column.integer({ primaryKey: true }),
  n: Column.integer(),
  price: Column.numeric({ precision: 10, scale: 2 }),
  name: Column.string({ length: 20 }),
  body: Column.text({ nullable: true }),
  flag: Column.boolean({ nullable: true })
}) {}

const metadata = MetaData.make(Thing, Stamped, Plain)

const full = {
  big: 9007199254740993n,
  ratio: 0.1 + 0.2,
  price: BigDecimal.unsafeFromString("12.5"),
  wide: BigDecimal.unsafeFromString("123456789012345678901234.5678"),
  name: "full",
  body: "line\nbreak ' \" \\",
  flag: true,
  day: DateTime.unsafeMake("2024-02-29T00:00:00Z"),
  at: DateTime.unsafeMake("2024-01-02T03:04:05.678Z"),
  clock: "13:14:15",
  ref: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  kind: "b" as const,
  doc: { n: 1.5, tags: ["x", "y"] },
  blob: new Uint8Array([0, 1, 254, 255])
}

/** The instance `insert` returned, beside the row read back by a session that never saw it. */
const insertedAndRead = <M extends Table.Any>(model: M, values: Schema.Schema.Type<M["insert"]>) =>
  Effect.gen(function*() {
    const inserted = yield* Session.use((s) => Effect.zipLeft(s.insert(model, values), s.commit))
    const key = (inserted as unknown as { id: number }).id
    const read = Option.getOrThrow(yield* Session.use((s) => s.get(model, key as never)))
    return { inserted, read }
  })

const same = (inserted: object, read: object) => {
  assert.strictEqual(Object.getPrototypeOf(inserted), Object.getPrototypeOf(read))
  assert.deepStrictEqual(Object.keys(inserted), Object.keys(read))
  for (const key of Object.keys(read)) {
    const a = (inserted as Record<string, unknown>)[key]
    const b = (read as Record<string, unknown>)[key]
    assert.isTrue(Equal.equals(a, b) || JSON.stringify(a, (_, v) => (typeof v === "bigint" ? `${v}n` : v)) === JSON.stringify(b, (_, v) => (typeof v === "bigint" ? `${v}n` : v)), `${key}: ${String(a)} vs ${String(b)}`)
    if (BigDecimal.isBigDecimal(a) && BigDecimal.isBigDecimal(b)) assert.strictEqual(BigDecimal.format(a), BigDecimal.format(b), key)
  }
}

export const suite: Suite = (layer) => {
  testLayer(layer, { excludeTestServices: true })("Insert returns what was stored", (it) => {
    it.effect("every column type, the key generated: the instance equals a fresh read", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const { inserted, read } = yield* insertedAndRead(Thing, full)
        assert.strictEqual(typeof inserted.id, "number")
        same(inserted, read)
        // Numerics come back at the column's scale, as a read gives them.
        assert.strictEqual(BigDecimal.format(inserted.price!), BigDecimal.format(read.price!))
        yield* metadata.dropAll
      }).pipe(Effect.provide(Session.layer)))

    it.effect("the key given, every nullable column left out: nulls, and the given key", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const { inserted, read } = yield* insertedAndRead(Thing, { id: 41, name: "bare" })
        assert.strictEqual(inserted.id, 41)
        assert.strictEqual(inserted.body, null)
        same(inserted, read)
        // Keys generated after an explicit one follow it.
        const next = yield* Session.use((s) => Effect.zipLeft(s.insert(Thing, { name: "next" }), s.commit))
        assert.isTrue(next.id > 41)
        yield* metadata.dropAll
      }).pipe(Effect.provide(Session.layer)))

    it.effect("a server default and a client default are read back; whole-number numerics keep their scale", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const { inserted, read } = yield* insertedAndRead(Stamped, { name: "s" })
        assert.isTrue(DateTime.isDateTime(inserted.createdAt))
        assert.strictEqual(inserted.score, 7)
        same(inserted, read)
        const round = yield* insertedAndRead(Thing, { name: "round", price: BigDecimal.unsafeFromString("12"), ratio: -0 })
        same(round.inserted, round.read)
        yield* metadata.dropAll
      }).pipe(Effect.provide(Session.layer)))

    it.effect("many rows at once (a flush, a multi-row insert returning the model): each instance equals a fresh read", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const rows = Array.from({ length: 30 }, (_, i) => ({ ...full, id: i + 1, name: `row ${i}`, price: BigDecimal.unsafeFromString(`${i}.5`), ratio: i / 7 }))
        const inserted = yield* Query.execute(Query.insert(Thing).values(rows).returning(Thing))
        assert.strictEqual(inserted.length, 30)
        yield* Session.use((s) => Effect.zipRight(s.addAll(Thing, rows.map((r) => ({ ...r, id: r.id + 100 }))), s.commit))
        for (const row of inserted) {
          const read = Option.getOrThrow(yield* Session.use((s) => s.get(Thing, row.id)))
          same(row, read)
          const flushed = Option.getOrThrow(yield* Session.use((s) => s.get(Thing, row.id + 100)))
          assert.strictEqual(flushed.name, row.name)
        }
        // Rows that leave a column out take the general path: still equal.
        const partial = yield* Query.execute(Query.insert(Thing).values([{ name: "p1" }, { name: "p2", body: "b" }]).returning(Thing))
        for (const row of partial) same(row, Option.getOrThrow(yield* Session.use((s) => s.get(Thing, row.id))))
        yield* metadata.dropAll
      }).pipe(Effect.provide(Session.layer)))

    it.effect("a row a trigger drops (SQLite's RAISE(IGNORE)) is a DecodeError, never an instance of a row that is not there", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.Engine
        if (engine.dialect.name !== "sqlite") return
        yield* metadata.dropAll
        yield* metadata.createAll
        yield* engine.execute("CREATE TRIGGER ir_skip BEFORE INSERT ON ir_things WHEN NEW.name = 'skip' BEGIN SELECT RAISE(IGNORE); END")
        const one = yield* Effect.either(Session.use((s) => s.insert(Thing, { name: "skip" })))
        assert.isTrue(one._tag === "Left" && one.left._tag === "DecodeError", JSON.stringify(one))
        const many = yield* Effect.either(Query.execute(Query.insert(Thing).values([{ ...full, id: 1, name: "kept" }, { ...full, id: 2, name: "skip" }]).returning(Thing)))
        assert.isTrue(many._tag === "Left" && many.left._tag === "DecodeError", JSON.stringify(many))
        yield* metadata.dropAll
      }).pipe(Effect.provide(Session.layer)))

    it.effect("in a transaction, row by row: instances join the identity map; a failing row rolls back and is typed", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const result = yield* Session.use((s) =>
          Effect.either(s.transaction(Effect.gen(function*() {
            const a = yield* s.insert(Thing, { id: 1, name: "one" })
            assert.strictEqual(Option.getOrThrow(yield* s.get(Thing, 1)), a)
            yield* s.insert(Thing, { id: 1, name: "again" })
          })))
        )
        assert.isTrue(result._tag === "Left" && result.left._tag === "UniqueViolation", JSON.stringify(result))
        const engine = yield* Engine.Engine
        assert.strictEqual(Number((yield* engine.execute("SELECT COUNT(*) AS n FROM ir_things"))[0]!["n"]), 0)
        const bad = yield* Effect.either(Session.use((s) => s.insert(Thing, { name: "x".repeat(41) })))
        assert.isTrue(bad._tag === "Left" && bad.left._tag === "EncodeError")
        yield* metadata.dropAll
      }).pipe(Effect.provide(Session.layer)))

    // On SQLite these inserts run in the caller's step (no Effect per statement): the same
    // typed errors, the same rollback, and live queries still hear of the rows at commit.
    it.effect("row by row in a transaction: a bad row is an EncodeError and nothing is kept; watchers hear of the rows at commit", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const engine = yield* Engine.Engine
        const count = Effect.map(engine.execute("SELECT COUNT(*) AS n FROM ir_things"), (rows) => Number(rows[0]!["n"]))
        const heard = yield* Effect.fork(
          engine.watch(["ir_things"], count).pipe(Stream.takeUntil((n) => n === 2), Stream.runCollect, Effect.timeout("10 seconds"))
        )
        yield* Effect.sleep("100 millis")
        const bad = yield* Effect.either(Session.use((s) =>
          s.transaction(Effect.gen(function*() {
            yield* s.insert(Thing, { id: 1, name: "one" })
            yield* s.insert(Thing, { id: 2, name: "x".repeat(41) })
          }))
        ))
        assert.isTrue(bad._tag === "Left" && bad.left._tag === "EncodeError", JSON.stringify(bad))
        assert.strictEqual(yield* count, 0)
        const made = yield* Session.use((s) =>
          s.transaction(Effect.forEach([1, 2], (id) => s.insert(Thing, { id, name: `n${id}` })))
        )
        assert.deepStrictEqual(made.map((t) => t.name), ["n1", "n2"])
        const counts = Chunk.toReadonlyArray(yield* Fiber.join(heard))
        assert.strictEqual(counts[counts.length - 1], 2)
        assert.isTrue(counts.every((n) => n === 0 || n === 2), JSON.stringify(counts))
        yield* metadata.dropAll
      }).pipe(Effect.provide(Session.layer)))

    // The insert without RETURNING on every database (issue 11): the instance is the bound
    // values, which must be what the database stored; keys generated later still follow.
    it.effect("columns stored as bound, all given (inserted without RETURNING): the instance equals a fresh read; generated keys follow given ones", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const engine = yield* Engine.Engine
        const edge = { n: -2147483648, price: BigDecimal.unsafeFromString("-12.5"), name: "trailing  ", body: "é 😀 'q' \\ \n", flag: false }
        const one = yield* insertedAndRead(Plain, { id: 41, ...edge })
        same(one.inserted, one.read)
        assert.isTrue(BigDecimal.equals(one.inserted.price, BigDecimal.unsafeFromString("-12.50")))
        const left = yield* insertedAndRead(Plain, { id: 42, n: 2147483647, price: BigDecimal.unsafeFromString("0"), name: "" })
        same(left.inserted, left.read)
        assert.strictEqual(left.inserted.body, null)
        assert.strictEqual(left.inserted.flag, null)
        const generated = yield* Session.use((s) => Effect.zipLeft(s.insert(Plain, { n: 1, price: BigDecimal.unsafeFromString("1"), name: "gen" }), s.commit))
        assert.isTrue(generated.id > 42, String(generated.id))
        // A flush of many rows with their keys given, then a generated key after them.
        const rows = Array.from({ length: 25 }, (_, i) => ({ id: 100 + i, n: i, price: BigDecimal.unsafeFromString(`${i}.05`), name: `r${i}`, body: `b${i}`, flag: i % 2 === 0 }))
        yield* Session.use((s) => Effect.zipRight(s.addAll(Plain, rows), s.commit))
        const many = yield* Query.execute(Query.insert(Plain).values(rows.map((r) => ({ ...r, id: r.id + 100 }))).returning(Plain))
        assert.strictEqual(many.length, 25)
        for (const row of many) same(row, Option.getOrThrow(yield* Session.use((s) => s.get(Plain, row.id))))
        const read = yield* Session.use((s) => s.query(Plain).where(Plain.c.id.between(100, 124)).orderBy(Plain.c.id).all)
        assert.deepStrictEqual(
          read.map((r) => [r.id, r.name, r.body, r.flag, BigDecimal.format(r.price)]),
          rows.map((r) => [r.id, r.name, r.body, r.flag, BigDecimal.format(r.price)])
        )
        const after = yield* Session.use((s) => Effect.zipLeft(s.insert(Plain, { n: 1, price: BigDecimal.unsafeFromString("1"), name: "after" }), s.commit))
        assert.isTrue(after.id > 224, String(after.id))
        // A BEFORE trigger that drops the row: no instance of a row that is not there.
        if (engine.dialect.name === "postgresql") {
          yield* engine.execute("CREATE FUNCTION ir_skip() RETURNS trigger AS $$ BEGIN IF NEW.name = 'skip' THEN RETURN NULL; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
          yield* engine.execute("CREATE TRIGGER ir_skip BEFORE INSERT ON ir_plain FOR EACH ROW EXECUTE FUNCTION ir_skip()")
          const dropped = yield* Effect.either(Session.use((s) => s.insert(Plain, { id: 7, n: 1, price: BigDecimal.unsafeFromString("1"), name: "skip" })))
          assert.isTrue(dropped._tag === "Left" && dropped.left._tag === "DecodeError", JSON.stringify(dropped))
          const droppedMany = yield* Effect.either(Query.execute(Query.insert(Plain).values([{ ...rows[0]!, id: 8 }, { ...rows[1]!, id: 9, name: "skip" }]).returning(Plain)))
          assert.isTrue(droppedMany._tag === "Left" && droppedMany.left._tag === "DecodeError", JSON.stringify(droppedMany))
        }
        yield* metadata.dropAll
        if (engine.dialect.name === "postgresql") yield* engine.execute("DROP FUNCTION IF EXISTS ir_skip()")
      }).pipe(Effect.provide(Session.layer)))
  })
}
