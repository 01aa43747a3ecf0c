/**
 * `insertValues` takes a quick path for rows of plain column types (no Schema interpreter).
 * It must agree with the model's insert Schema on every input: the same values when the
 * Schema accepts, and the Schema's own error when it refuses.
 */
import { assert, describe, it } from "@effect/vitest"
// effect's re-export of fast-check: the package's own (ESM) declarations would be a second copy in the type-check.
import { BigDecimal, Either, Schema, FastCheck as fc } from "effect"
import * as Column from "../src/Column.js"
import { EncodeError } from "../src/Errors.js"
import { insertValues } from "../src/internal/rows.js"
import * as Table from "../src/Table.js"

let counter = 0
class Row extends Table.Class<Row>("Row")("quick_rows", {
  id: Column.integer({ primaryKey: true }),
  big: Column.bigint({ nullable: true }),
  ratio: Column.float(),
  amount: Column.numeric({ precision: 10, scale: 2, nullable: true }),
  code: Column.string({ length: 3 }),
  body: Column.text({ default: () => `default ${++counter}` }),
  flag: Column.boolean({ nullable: true })
}) {}

const reference = (input: unknown): Either.Either<Record<string, unknown>, "refused"> => {
  const validated = Schema.validateEither(Row.insert)(input)
  if (Either.isLeft(validated)) return Either.left("refused")
  return Either.right({ ...(validated.right as Record<string, unknown>) })
}

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.bigInt(),
  fc.string({ maxLength: 5 }),
  fc.constantFrom("😀😀😀", "😀😀😀😀", "abc", "abcd"),
  fc.boolean(),
  fc.constant(BigDecimal.unsafeFromString("1.25")),
  fc.constant({})
)

describe("insertValues", () => {
  it("agrees with the insert Schema on arbitrary rows", () => {
    fc.assert(
      fc.property(fc.record({ id: anyValue, big: anyValue, ratio: anyValue, amount: anyValue, code: anyValue, body: anyValue, flag: anyValue }, { requiredKeys: [] }), (input) => {
        const expected = reference(input)
        const def = Table.definition(Row)
        let got: Either.Either<Record<string, unknown>, "refused">
        try {
          got = Either.right(insertValues(Row, def, input))
        } catch (e) {
          assert.instanceOf(e, EncodeError)
          got = Either.left("refused")
        }
        assert.strictEqual(got._tag, expected._tag, JSON.stringify(input, (_, v) => (typeof v === "bigint" ? `${v}n` : v)))
        if (Either.isRight(got) && Either.isRight(expected)) {
          for (const [key, value] of Object.entries(expected.right)) if (value !== undefined) assert.isTrue(Object.is(got.right[key], value), key)
          assert.match(String(got.right.body), input.body === undefined ? /^default \d+$/ : /.*/)
        }
      }),
      { numRuns: 3000 }
    )
  })

  it("calls a client default once per accepted row, never for a refused one", () => {
    const def = Table.definition(Row)
    const before = counter
    insertValues(Row, def, { ratio: 1, code: "ab" })
    assert.strictEqual(counter, before + 1)
    assert.throws(() => insertValues(Row, def, { ratio: 1, code: "abcd" }))
    assert.strictEqual(counter, before + 1)
  })
})
