/**
 * `writeEncoder` (`src/internal/rows.ts`) is the insert path's encoder per column, with quick
 * checks for the common types. On every dialect and every input it must give what
 * `encodeValue` gives: the same driver value, or the same `EncodeError`.
 */
import { assert, describe, it } from "@effect/vitest"
// effect's re-export of fast-check: the package's own (ESM) declarations would be a second copy in the type-check.
import { BigDecimal, FastCheck as fc } from "effect"
import * as Column from "../src/Column.js"
import { mysql } from "../src/dialect/mysql.js"
import { postgres } from "../src/dialect/postgres.js"
import { sqlite } from "../src/dialect/sqlite.js"
import { EncodeError } from "../src/Errors.js"
import { encodeValue, writeEncoder } from "../src/internal/rows.js"
import * as Table from "../src/Table.js"

class Row extends Table.Class<Row>("Row")("encoder_rows", {
  id: Column.integer({ primaryKey: true }),
  count: Column.integer({ nullable: true }),
  code: Column.string({ length: 3 }),
  note: Column.string({ nullable: true }),
  body: Column.text(),
  flag: Column.boolean({ nullable: true }),
  amount: Column.numeric({ precision: 6, scale: 2 }),
  ratio: Column.float({ nullable: true })
}) {}

const outcome = (run: () => unknown): unknown => {
  try {
    const value = run()
    return Buffer.isBuffer(value) ? ["buffer", value.toString("hex")] : ["value", value]
  } catch (e) {
    if (e instanceof EncodeError) return ["refused", e.message, e.column]
    throw e
  }
}

const anyValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
  fc.string({ maxLength: 6 }),
  fc.constantFrom("a\u0000b", "\ud800", "x\udc00y", "😀", "x".repeat(300), "abcd"),
  fc.boolean(),
  fc.tuple(fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), fc.integer({ min: -3, max: 6 })).map(([v, s]) => BigDecimal.make(v, s)),
  fc.constant({ a: 1 })
)

describe("writeEncoder", () => {
  it("gives what encodeValue gives, value or refusal, for every column on every dialect", () => {
    const def = Table.definition(Row)
    for (const dialect of [sqlite, postgres, mysql]) {
      for (const column of def.columns) {
        const encode = writeEncoder(dialect, def, column)
        fc.assert(
          fc.property(anyValue, (value) => {
            assert.deepStrictEqual(outcome(() => encode(value)), outcome(() => encodeValue(dialect, def, column, value)), `${dialect.name} ${column.name}`)
          }),
          { numRuns: 400 }
        )
      }
    }
  })
})
