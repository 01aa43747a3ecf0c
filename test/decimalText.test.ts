/**
 * Reading numerics: the driver's decimal text takes a quick path (`toDecimal` in
 * `src/internal/values.ts`), and the compiled row decoder (`src/internal/rowReader.ts`)
 * quick readers per column type. Both must give exactly what the general path gives:
 * `BigDecimal.fromString` then `BigDecimal.scale` for text, `decodeValue` for a column.
 * Writing one (`writeDecimal`) must give what `formatDecimal(checkDecimal(…))` gives, and
 * refuse what it refuses.
 */
import { assert, describe, it } from "@effect/vitest"
// effect's re-export of fast-check: the package's own (ESM) declarations would be a second copy in the type-check.
import { BigDecimal, Option, FastCheck as fc } from "effect"
import * as Column from "../src/Column.js"
import { postgres } from "../src/dialect/postgres.js"
import { sqlite } from "../src/dialect/sqlite.js"
import { DecodeError } from "../src/Errors.js"
import { decodeValue, rowDecoder } from "../src/internal/rows.js"
import { checkDecimal } from "../src/internal/representable.js"
import { formatDecimal, toDecimal, ValueError, writeDecimal } from "../src/internal/values.js"
import * as Table from "../src/Table.js"

const reference = (text: string, scale: number) => {
  const parsed = BigDecimal.fromString(text.trim())
  return Option.isSome(parsed) ? BigDecimal.scale(parsed.value, scale) : undefined
}

const decimalText = fc.oneof(
  fc.tuple(fc.constantFrom("", "-", "+"), fc.stringMatching(/^\d{0,18}$/), fc.constantFrom("", "."), fc.stringMatching(/^\d{0,8}$/)).map(([s, a, p, b]) => s + a + p + b),
  fc.constantFrom("", ".", "-", "-.", "5.", "-0", "-0.00", "1e5", " 12.5", "12.5 ", "NaN", "Infinity", "1.2.3", "٣", "0x10", "999999999999999", "9999999999999999"),
  fc.string({ maxLength: 6 })
)

const written = (run: () => string) => {
  try {
    return run()
  } catch (e) {
    if (e instanceof ValueError) return `refused: ${e.message}`
    throw e
  }
}

describe("numeric text", () => {
  it("writeDecimal agrees with formatDecimal(checkDecimal(…)), refusals included", () => {
    const decimal = fc.tuple(
      fc.oneof(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.constantFrom(0n, 1n, -1n, 10n, 100n, 99999n, -1000000n)),
      fc.oneof(fc.integer({ min: -6, max: 24 }), fc.constantFrom(-2000, 2000))
    ).map(([value, scale]) => BigDecimal.make(value, scale))
    fc.assert(
      fc.property(decimal, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 8 }), (value, precision, extra) => {
        const scale = Math.min(precision, extra)
        const expected = written(() => formatDecimal(checkDecimal(value, precision, scale), scale))
        assert.strictEqual(written(() => writeDecimal(value, precision, scale)), expected, `${BigDecimal.format(value)} as numeric(${precision}, ${scale})`)
      }),
      { numRuns: 10000 }
    )
    assert.match(written(() => writeDecimal("1.5", 10, 2)), /^refused: expected a BigDecimal/)
    assert.strictEqual(writeDecimal(BigDecimal.make(-0n, 3), 5, 2), "0.00")
    assert.strictEqual(writeDecimal(BigDecimal.make(12000n, 3), 4, 2), "12.00")
  })

  it("toDecimal agrees with fromString + scale", () => {
    fc.assert(
      fc.property(decimalText, fc.integer({ min: 0, max: 18 }), (text, scale) => {
        const expected = reference(text, scale)
        const got = toDecimal(text, scale)
        if (expected === undefined) return assert.isUndefined(got, text)
        assert.isDefined(got, text)
        assert.strictEqual(got!.value, expected.value, `${text} at ${scale}`)
        assert.strictEqual(got!.scale, expected.scale, `${text} at ${scale}`)
      }),
      { numRuns: 5000 }
    )
  })
})

class Item extends Table.Class<Item>("Item")("decode_items", {
  id: Column.integer({ primaryKey: true }),
  label: Column.string({ length: 10, name: "label_text" }),
  body: Column.text({ nullable: true }),
  ratio: Column.float(),
  flag: Column.boolean({ nullable: true }),
  amount: Column.numeric({ precision: 10, scale: 2, nullable: true }),
  at: Column.dateTime({ nullable: true })
}) {}

const anyRaw = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, -0, Number.NaN, 0, 1),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.string({ maxLength: 5 }),
  fc.constantFrom("12.50", "-3.1", "0", "1", "2024-01-02 03:04:05"),
  fc.boolean()
)

const outcome = (f: () => unknown): { ok: unknown } | { error: string } => {
  try {
    return { ok: f() }
  } catch (e) {
    assert.instanceOf(e, DecodeError)
    return { error: (e as DecodeError).message }
  }
}

describe("compiled row decoder", () => {
  for (const dialect of [sqlite, postgres]) {
    it(`agrees with decodeValue column by column (${dialect.name})`, () => {
      const def = Table.definition(Item)
      const decode = rowDecoder(dialect, Item, def)
      assert.strictEqual(decode, rowDecoder(dialect, Item, def), "cached")
      fc.assert(
        fc.property(fc.array(anyRaw, { minLength: def.columns.length, maxLength: def.columns.length }), (raws) => {
          const row = Object.fromEntries(def.columns.map((c, i) => [c.name, raws[i]]))
          const expected = outcome(() => {
            const out: Record<string, unknown> = {}
            for (const c of def.columns) out[c.key] = decodeValue(dialect, def, c, row[c.name])
            return out
          })
          const got = outcome(() => decode(row))
          if ("error" in expected) return assert.deepStrictEqual(got, expected)
          assert.ok("ok" in got, JSON.stringify(got))
          const instance = (got as { ok: Item }).ok
          assert.instanceOf(instance, Item)
          assert.deepStrictEqual(Object.keys(instance), def.columns.map((c) => c.key))
          for (const c of def.columns) {
            const a = (instance as unknown as Record<string, unknown>)[c.key]
            const b = (expected.ok as Record<string, unknown>)[c.key]
            if (BigDecimal.isBigDecimal(b)) assert.ok(BigDecimal.isBigDecimal(a) && a.value === b.value && a.scale === b.scale, c.key)
            else assert.deepStrictEqual(a, b, c.key)
          }
        }),
        { numRuns: 3000 }
      )
    })
  }
})
