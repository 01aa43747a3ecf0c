/**
 * Models without a database: the validating constructor, metadata, and the typed
 * errors a definition that cannot work gets, at definition time or from MetaData.
 */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, DateTime, Equal, Schema } from "effect"
import * as Column from "../src/Column.js"
import { DefinitionError } from "../src/Errors.js"
import { formatMicros, microsOf, parseTimestamp, utcFromMicros } from "../src/internal/values.js"
import * as MetaData from "../src/MetaData.js"
import * as Table from "../src/Table.js"

const definitionError = (f: () => unknown): DefinitionError => {
  try {
    f()
  } catch (e) {
    assert.instanceOf(e, DefinitionError)
    return e as DefinitionError
  }
  return assert.fail("expected a DefinitionError")
}

class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 5 }),
  email: Column.string({ length: 50, unique: true }),
  age: Column.integer({ nullable: true })
}) {}

describe("Table", () => {
  it("a model is a Schema.Class with a validating constructor", () => {
    const user = new User({ id: 1, name: "Ann", email: "a@x", age: null })
    assert.strictEqual(user.name, "Ann")
    assert.isTrue(Equal.equals(user, new User({ id: 1, name: "Ann", email: "a@x", age: null })))
    assert.throws(() => new User({ id: 1, name: "Annabelle", email: "a@x", age: null }), /at most 5 characters/)
    assert.throws(() => new User({ id: 1.5, name: "Ann", email: "a@x", age: null }))
    assert.strictEqual(Schema.decodeUnknownSync(User)({ id: 2, name: "Bob", email: "b@x", age: 3 }).age, 3)
  })

  it("carries tableName, column references and metadata", () => {
    assert.strictEqual(User.tableName, "users")
    assert.strictEqual(User.c.email.name, "email")
    assert.strictEqual(User.c.email.table.tableName, "users")
    const def = Table.definition(User)
    assert.deepStrictEqual(def.primaryKey, ["id"])
    assert.strictEqual(def.autoIncrement?.key, "id")
    assert.deepStrictEqual(def.uniques.map((u) => u.keys), [["email"]])
    const manager = Table.alias(User, "manager")
    assert.strictEqual(manager.c.name.table.alias, "manager")
    assert.strictEqual(manager.c.name.table.tableName, "users")
  })

  it("the insert schema makes defaulted and nullable fields optional; update is partial", () => {
    assert.deepStrictEqual(Schema.decodeUnknownSync(User.insert)({ name: "A", email: "e" }), { name: "A", email: "e" })
    assert.throws(() => Schema.decodeUnknownSync(User.insert)({ name: "A" }))
    assert.deepStrictEqual(Schema.decodeUnknownSync(User.update)({ age: 4 }), { age: 4 })
  })

  it("two fields mapped to the same column name: DefinitionError at definition time", () => {
    const error = definitionError(() =>
      class Bad extends Table.Class<Bad>("Bad")("bad", {
        id: Column.integer({ primaryKey: true }),
        firstName: Column.text({ name: "name" }),
        name: Column.text()
      }) {}
    )
    assert.strictEqual(error.table, "bad")
    assert.include(error.message, `fields "firstName" and "name" are both mapped to the column "name"`)
  })

  it("other impossible definitions are refused", () => {
    assert.include(
      definitionError(() => Table.Class<any>("X")("x", { a: Column.integer({ primaryKey: true }), b: Column.integer({ primaryKey: true }) })).message,
      "several integer primary key columns autoincrement"
    )
    assert.include(
      definitionError(() => Table.Class<any>("X")("x", { a: Column.text() }, { indexes: [["nope" as "a"]] })).message,
      `names "nope"`
    )
    assert.include(
      definitionError(() => Table.Class<any>("X")("x", { a: Column.text({ autoIncrement: true, primaryKey: true }) })).message,
      "only an integer column can autoincrement"
    )
    assert.include(
      definitionError(() => Table.Class<any>("X")("x", { a: Column.integer({ primaryKey: true, nullable: true }) })).message,
      "cannot be nullable"
    )
    assert.include(definitionError(() => Table.Class<any>("X")("x", {})).message, "at least one column")
  })

  it("a foreign key to a column that is not unique: DefinitionError from MetaData", () => {
    class Post extends Table.Class<Post>("Post")("posts", {
      id: Column.integer({ primaryKey: true }),
      authorName: Column.string({ length: 5, references: () => User.c.name })
    }) {}
    const error = definitionError(() => MetaData.make(User, Post).ddl("postgresql"))
    assert.strictEqual(error.table, "posts")
    assert.strictEqual(error.column, "authorName")
    assert.include(error.message, "neither the primary key nor unique")
  })

  it("a foreign key to a table outside the MetaData, or of another type: DefinitionError", () => {
    class Post extends Table.Class<Post>("Post")("posts", {
      id: Column.integer({ primaryKey: true }),
      authorId: Column.integer({ references: () => User.c.id }),
      authorEmail: Column.integer({ references: () => User.c.email })
    }) {}
    assert.include(definitionError(() => MetaData.make(Post).ddl("sqlite")).message, `table "users" is not in this MetaData`)
    assert.include(definitionError(() => MetaData.make(User, Post).ddl("sqlite")).message, "is integer but references users.email, which is string")
  })

  it("two models on one table name: DefinitionError from MetaData", () => {
    class Other extends Table.Class<Other>("Other")("users", { id: Column.integer({ primaryKey: true }) }) {}
    assert.include(definitionError(() => MetaData.make(User, Other).toMermaid()).message, `both mapped to the table "users"`)
  })
})

describe("values", () => {
  it("a DateTime.Utc keeps microseconds and behaves as a DateTime", () => {
    const micros = microsOf(DateTime.unsafeMake("2024-02-29T12:34:56.789Z")) + 123n
    const dt = utcFromMicros(micros)
    assert.isTrue(DateTime.isDateTime(dt) && DateTime.isUtc(dt))
    assert.strictEqual(microsOf(dt), micros)
    assert.strictEqual(formatMicros(micros), "2024-02-29 12:34:56.789123")
    assert.strictEqual(DateTime.formatIso(dt), "2024-02-29T12:34:56.789Z")
    // Effect's own arithmetic works in whole milliseconds.
    assert.strictEqual(microsOf(DateTime.add(dt, { seconds: 1 })) / 1000n, (micros + 1_000_000n) / 1000n)
    assert.isTrue(Equal.equals(dt, utcFromMicros(micros)))
    assert.isFalse(Equal.equals(dt, utcFromMicros(micros + 1n)))
    assert.isTrue(DateTime.lessThan(utcFromMicros(micros), utcFromMicros(micros + 1n)))
  })

  it("parses the timestamp forms the drivers return", () => {
    const base = microsOf(DateTime.unsafeMake("2024-01-02T03:04:05Z"))
    assert.strictEqual(parseTimestamp("2024-01-02 03:04:05"), base)
    assert.strictEqual(parseTimestamp("2024-01-02T03:04:05.5Z"), base + 500_000n)
    assert.strictEqual(parseTimestamp("2024-01-02 03:04:05.000001+00"), base + 1n)
    assert.strictEqual(parseTimestamp("2024-01-02 05:04:05+02"), base)
    assert.strictEqual(parseTimestamp("2024-01-01 22:34:05-04:30"), base)
    assert.strictEqual(parseTimestamp("not a date"), undefined)
    // Years 1–99 are themselves (Date.UTC reads them as 1900–1999).
    assert.strictEqual(parseTimestamp("0001-01-01"), -62_135_596_800_000_000n)
    assert.strictEqual(formatMicros(-62_135_596_800_000_000n), "0001-01-01 00:00:00")
    assert.strictEqual(parseTimestamp("0099-12-31 23:59:59.999999"), microsOf(DateTime.unsafeMake("0099-12-31T23:59:59.999Z")) + 999n)
    // PostgreSQL gives local mean time offsets with seconds for old dates outside UTC sessions.
    assert.strictEqual(parseTimestamp("1850-01-01 00:09:21+00:09:21"), microsOf(DateTime.unsafeMake("1850-01-01T00:00:00Z")))
    // Fields out of range are not normalized into another date.
    for (const bad of ["2024-02-30", "2023-02-29", "2024-13-01", "2024-01-01 24:00:00", "2024-01-01 12:60:00"]) {
      assert.strictEqual(parseTimestamp(bad), undefined, bad)
    }
    // Five-digit years (PostgreSQL) and the end of JavaScript's dates.
    assert.strictEqual(formatMicros(parseTimestamp("10000-01-01 00:00:00")!), "10000-01-01 00:00:00")
    assert.strictEqual(parseTimestamp("275760-09-13 00:00:00.000001"), undefined)
  })

  it("a DateTime.Utc keeps its exact microseconds where a double cannot (far from 1970)", () => {
    for (const iso of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1600-06-15T12:00:00Z"]) {
      const micros = microsOf(DateTime.unsafeMake(iso)) + 999_999n
      assert.strictEqual(microsOf(utcFromMicros(micros)), micros, iso)
    }
  })

  it("numeric columns read exactly at their declared scale", () => {
    const price = Column.numeric({ precision: 10, scale: 2 })
    assert.strictEqual(Column.definition(price).type._tag, "numeric")
    assert.isTrue(BigDecimal.equals(BigDecimal.unsafeFromString("5"), BigDecimal.unsafeFromString("5.00")))
  })
})

describe("Column.codec", () => {
  it("is the column as a Schema between driver and field values, per dialect", () => {
    const flag = Column.codec(Column.boolean(), "sqlite")
    assert.strictEqual(Schema.decodeUnknownSync(flag)(1), true)
    assert.strictEqual(Schema.encodeSync(flag)(false), 0)
    assert.strictEqual(Schema.encodeSync(Column.codec(Column.boolean(), "postgresql"))(false), false)
    const price = Column.codec(Column.numeric({ precision: 10, scale: 2, nullable: true }), "postgresql")
    assert.strictEqual(Schema.encodeSync(price)(BigDecimal.unsafeFromString("12.5")), "12.50")
    assert.strictEqual(Schema.decodeUnknownSync(price)(null), null)
    const big = Column.codec(Column.bigint(), "mysql")
    assert.strictEqual(Schema.decodeUnknownSync(big)("9223372036854775807"), 9223372036854775807n)
    assert.throws(() => Schema.decodeUnknownSync(Column.codec(Column.integer(), "sqlite"))("abc"), /expected an integer/)
    assert.throws(() => Schema.decodeUnknownSync(Column.codec(Column.integer(), "sqlite"))(null), /NULL/)
    const doc = Column.codec(Column.json(Schema.NullOr(Schema.Struct({ a: Schema.Number }))), "postgresql")
    assert.strictEqual(Schema.encodeSync(doc)(null), "null")
    assert.deepStrictEqual(Schema.decodeUnknownSync(doc)("{\"a\":1}"), { a: 1 })
  })
})
