/**
 * A model's JSON schemas: a JSON request body decodes through `jsonCreate` into an insert,
 * and a model encodes through `json` to what `JSON.stringify` keeps unchanged.
 */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Either, ParseResult, Schema } from "effect"
import * as Column from "../src/Column.js"
import * as Engine from "../src/Engine.js"
import { DefinitionError } from "../src/Errors.js"
import * as Fn from "../src/Fn.js"
import * as MetaData from "../src/MetaData.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"
import * as Timestamp from "../src/Timestamp.js"
import { equalTypes, notExtendsType } from "./harness/typeAssert.js"

class Order extends Table.Class<Order>("Order")("api_orders", {
  id: Column.integer({ primaryKey: true }),
  total: Column.numeric({ precision: 10, scale: 2 }),
  at: Column.dateTime(),
  day: Column.date({ nullable: true }),
  views: Column.bigint({ default: 0n }),
  avatar: Column.binary({ nullable: true }),
  meta: Column.json(Schema.Struct({ tags: Schema.Array(Schema.String) })),
  status: Column.literal("new", "paid").with({ default: "new" }),
  ratio: Column.float({ nullable: true }),
  secret: Column.string({ sensitive: true, default: "hunter2" }),
  createdAt: Column.dateTime({ serverDefault: Fn.now(), name: "created_at" })
}) {}

class Code extends Table.Class<Code>("Code")("api_codes", {
  code: Column.string({ primaryKey: true, length: 10 }),
  label: Column.text()
}) {}

const body = {
  total: "12.50",
  at: "2024-01-01T00:00:00.123456Z",
  day: "2024-02-29",
  views: "9007199254740993",
  avatar: "AQID",
  meta: { tags: ["a", "b"] },
  secret: "sent by a client"
}

const decodeCreate = Schema.decodeUnknownEither(Order.jsonCreate)
const isParseError = (e: Either.Either<unknown, unknown>) => Either.isLeft(e) && ParseResult.isParseError(e.left)

describe("API schemas", () => {
  it("types: json leaves out sensitive columns, jsonCreate also generated ones, jsonUpdate also the key", () => {
    equalTypes<
      keyof Schema.Schema.Type<typeof Order.json>,
      "id" | "total" | "at" | "day" | "views" | "avatar" | "meta" | "status" | "ratio" | "createdAt"
    >()
    type Create = Schema.Schema.Type<typeof Order.jsonCreate>
    equalTypes<keyof Create, "total" | "at" | "day" | "views" | "avatar" | "meta" | "status" | "ratio">()
    equalTypes<Create["total"], BigDecimal.BigDecimal>()
    notExtendsType<{ readonly total: BigDecimal.BigDecimal }, Create>()
    equalTypes<keyof Schema.Schema.Type<typeof Order.jsonUpdate>, keyof Create>()
    // A primary key the client chooses is part of a create, not of an update.
    equalTypes<keyof Schema.Schema.Type<typeof Code.jsonCreate>, "code" | "label">()
    equalTypes<keyof Schema.Schema.Type<typeof Code.jsonUpdate>, "label">()
  })

  it.effect("a JSON body decodes through jsonCreate, inserts on SQLite, and reads back encoded as JSON", () =>
    Effect.gen(function*() {
      const metadata = MetaData.make(Order)
      yield* metadata.createAll
      const values = yield* Schema.decodeUnknown(Order.jsonCreate)(JSON.parse(JSON.stringify(body)))
      assert.isFalse("secret" in values)
      assert.isTrue(BigDecimal.equals(values.total, BigDecimal.unsafeFromString("12.5")))
      assert.strictEqual(Timestamp.toMicros(values.at), 1_704_067_200_123_456n)
      assert.strictEqual(values.views, 9_007_199_254_740_993n)
      assert.deepStrictEqual([...values.avatar!], [1, 2, 3])
      const [inserted] = yield* Query.execute(Query.insert(Order).values(values).returning(Order))
      const [read] = yield* Query.execute(Query.select(Order).where(Order.c.id.eq(inserted!.id)))
      assert.strictEqual(read!.secret, "hunter2")
      const encoded = yield* Schema.encode(Order.json)(read!)
      assert.deepStrictEqual(JSON.parse(JSON.stringify(encoded)), encoded)
      const { createdAt, ...rest } = encoded as Record<string, unknown>
      assert.match(createdAt as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)
      assert.deepStrictEqual(rest, {
        id: inserted!.id,
        total: "12.50",
        at: "2024-01-01T00:00:00.123456Z",
        day: "2024-02-29",
        views: "9007199254740993",
        avatar: "AQID",
        meta: { tags: ["a", "b"] },
        status: "new",
        ratio: null
      })
      // And the JSON decodes back to the same row.
      const again = yield* Schema.decodeUnknown(Order.json)(JSON.parse(JSON.stringify(encoded)))
      assert.strictEqual(Timestamp.toMicros(again.at), Timestamp.toMicros(read!.at))
      assert.isTrue(BigDecimal.equals(again.total, read!.total))
      yield* metadata.dropAll
    }).pipe(Effect.provide(Engine.layer("sqlite://"))))

  it("bad input is a ParseError, never a defect", () => {
    const bad = [
      { ...body, total: 12.5 }, // numerics are strings
      { ...body, total: "12.505" }, // more digits than the scale
      { ...body, total: "1e3" },
      { ...body, total: "123456789.00" }, // past the precision
      { ...body, at: "not a time" },
      { ...body, at: "2024-13-01T00:00:00Z" },
      { ...body, day: "2024-02-30" },
      { ...body, day: "2024-02-29T10:00:00Z" },
      { ...body, views: "1.5" },
      { ...body, views: "9223372036854775808" },
      { ...body, avatar: "!!!" },
      { ...body, meta: { tags: [1] } },
      { ...body, status: "void" },
      { ...body, ratio: "0.5" },
      { total: "1.00" }, // `at` and `meta` are required
      null,
      "text"
    ]
    for (const input of bad) assert.isTrue(isParseError(decodeCreate(input)), JSON.stringify(input))
    const encodeJson = Schema.encodeEither(Order.json)
    const row = Schema.decodeUnknownSync(Order.json)({ ...body, id: 1, status: "new", ratio: null, createdAt: "2024-01-01T00:00:00Z" })
    assert.isTrue(Either.isRight(encodeJson(row)))
    assert.isTrue(isParseError(encodeJson({ ...row, ratio: Number.NaN })), "JSON has no NaN")
    assert.isTrue(isParseError(encodeJson({ ...row, total: 12.5 as never })))
  })

  it("jsonUpdate: every field optional, no key, no sensitive or generated column", () => {
    assert.deepStrictEqual(Schema.decodeUnknownSync(Order.jsonUpdate)({}), {})
    const patch = Schema.decodeUnknownSync(Order.jsonUpdate)({ id: 5, total: "3.10", secret: "x", createdAt: "2024-01-01T00:00:00Z" })
    assert.deepStrictEqual(Object.keys(patch), ["total"])
    assert.deepStrictEqual(Schema.decodeUnknownSync(Code.jsonCreate)({ code: "ab", label: "A" }), { code: "ab", label: "A" })
    assert.isTrue(isParseError(Schema.decodeUnknownEither(Code.jsonCreate)({ code: "x".repeat(11), label: "A" })))
  })

  it("built once per model, on first use", () => {
    assert.strictEqual(Order.json, Order.json)
    assert.strictEqual(Order.jsonCreate, Order.jsonCreate)
    assert.notStrictEqual<unknown>(Order.json, Code.json)
  })

  it("a custom column that does not encode to JSON is refused when the JSON schema is built, unless sensitive", () => {
    class Log extends Table.Class<Log>("Log")("api_logs", {
      id: Column.integer({ primaryKey: true }),
      tags: Column.custom(Schema.split(","), { sqlType: "TEXT" }),
      raw: Column.custom(Schema.Uint8ArrayFromSelf, { sqlType: "BLOB" })
    }) {}
    assert.throws(() => Log.json, DefinitionError)
    class Safe extends Table.Class<Safe>("Safe")("api_safe", {
      id: Column.integer({ primaryKey: true }),
      tags: Column.custom(Schema.split(","), { sqlType: "TEXT" }),
      raw: Column.custom(Schema.Uint8ArrayFromSelf, { sqlType: "BLOB", sensitive: true })
    }) {}
    assert.deepStrictEqual(Schema.encodeSync(Safe.json)({ id: 1, tags: ["a", "b"] }), { id: 1, tags: "a,b" })
  })
})
