/**
 * Arbitrary values for the fuzz suite (`test/suite/fuzz.ts`): per column type, values of
 * the right type biased to the edges (limits, NaN, -0, lone surrogates, year 0, deep
 * JSON), mixed with anything at all; and what "read back exactly" means per type.
 */
// effect's re-export of fast-check: the package's own (ESM) declarations would be a second copy in the type-check.
import { BigDecimal, Cause, Chunk, DateTime, Exit, Option, FastCheck as fc } from "effect"
import { describe, microsOf, utcFromMicros } from "../../src/internal/values.js"

/** How many runs a property gets: `base`, scaled by RETORT_FUZZ_RUNS (a multiplier, default 1). */
export const runs = (base: number): number => Math.max(1, Math.round(base * Number(process.env["RETORT_FUZZ_RUNS"] ?? "1")))

/**
 * Checks a property, reporting a failure without printing the counterexample through
 * fast-check (a value nested 5,000 deep overflows its printer): the seed and path replay it.
 */
export const check = async (name: string, property: fc.IRawProperty<any, boolean>, parameters: fc.Parameters<any>): Promise<void> => {
  const details = await Promise.resolve(fc.check(property as fc.IAsyncProperty<any>, parameters))
  if (!details.failed) return
  const error = details.errorInstance
  const shown = details.counterexample === null ? "" : details.counterexample.map((v: unknown) => describe(v)).join(", ")
  throw new Error(
    `${name}: failed after ${details.numRuns} runs (replay with RETORT_FUZZ_SEED=${details.seed}, path ${details.counterexamplePath}); ` +
      `counterexample: ${shown}\n${error instanceof Error ? error.stack : String(error)}`
  )
}

/** The outcome of an effect that must not die: its value, or its typed failure. A defect throws. */
export const settled = <A, E>(exit: Exit.Exit<A, E>, what: string): { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: E } => {
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value }
  const defects = Chunk.toReadonlyArray(Cause.defects(exit.cause))
  if (defects.length > 0 || Cause.isInterruptedOnly(exit.cause)) throw new Error(`${what}: a defect, not a typed failure:\n${Cause.pretty(exit.cause)}`)
  const error = Cause.failureOption(exit.cause)
  if (Option.isNone(error)) throw new Error(`${what}: no typed failure in\n${Cause.pretty(exit.cause)}`)
  const tag = (error.value as { readonly _tag?: unknown })._tag
  if (typeof tag !== "string") throw new Error(`${what}: failed with an untagged error ${String(error.value)}`)
  return { ok: false, error: error.value }
}

/** Runs `f`; a thrown value must be one of `tags`, anything else is a defect of the API. */
export const syncSettled = (f: () => unknown, tags: ReadonlyArray<string>, what: string): void => {
  try {
    f()
  } catch (e) {
    const tag = (e as { readonly _tag?: unknown } | null)?._tag
    if (typeof tag !== "string" || !tags.includes(tag)) throw new Error(`${what}: threw ${e instanceof Error ? e.stack : String(e)}`)
  }
}

const anything = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withUnicodeString: true,
  maxDepth: 3
})

/** Values of the right type for a column most of the time, anything at all otherwise. */
const mixed = <A>(domain: fc.Arbitrary<A>, ...edges: ReadonlyArray<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: domain, weight: 6 },
    { arbitrary: edges.length === 0 ? fc.constant(null) : fc.constantFrom(...edges), weight: 2 },
    { arbitrary: anything, weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 }
  )

const text = fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.string16bits({ maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 10 }))

const day = 86_400_000
const maxMillis = 8_640_000_000_000_000 / 1000
const millis = fc.oneof(fc.integer({ min: -maxMillis, max: maxMillis }), fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }))
const inYear = (year: number) => {
  const d = new Date(0)
  d.setUTCFullYear(year)
  return d.getTime()
}
const edgeYears = [0, -1, 1, 99, 9999, 10000, 275760].map((y) => DateTime.unsafeMake(inYear(y)))
const nanInstant = Object.assign(Object.create(Object.getPrototypeOf(DateTime.unsafeMake(0))), { epochMillis: NaN })

const nested = (depth: number): unknown => {
  let v: unknown = []
  for (let i = 1; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v }
  return v
}
const cyclic = () => {
  const o: Record<string, unknown> = { a: [1] }
  ;(o["a"] as Array<unknown>).push(o)
  return o
}
const throwing = new Proxy({}, {
  ownKeys: () => {
    throw new Error("no keys for you")
  }
})

const decimal = (maxScale: number) =>
  fc.tuple(fc.bigInt({ min: -(10n ** 32n), max: 10n ** 32n }), fc.integer({ min: -4, max: maxScale + 3 })).map(([v, s]) => BigDecimal.make(v, s))

const clock = fc
  .tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.option(fc.stringMatching(/^[0-9]{0,7}$/)))
  .map(([h, m, s, f]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}${f === null ? "" : `.${f}`}`)

/** One arbitrary per fuzzed column (field name of `test/suite/fuzz.ts`'s model). */
export const arbitraries: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  int: mixed(fc.oneof(fc.integer(), fc.maxSafeInteger()), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -0, NaN, Infinity, 1.5),
  big: mixed(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 1),
  real: mixed(fc.double(), NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, Number.MAX_VALUE, 0.1 + 0.2),
  price: mixed(decimal(2), BigDecimal.unsafeFromString("1.005"), BigDecimal.unsafeFromString("99999999.99"), 1.5),
  wide: mixed(decimal(10), BigDecimal.unsafeFromString("12345678901234567890.1234567891")),
  name: mixed(text, "x".repeat(20), "x".repeat(21), "\ud800", "a\u0000b", "😀".repeat(20)),
  body: mixed(fc.oneof(text, fc.string({ unit: "binary", maxLength: 500 })), "\udfff", "\u0000", ""),
  flag: mixed(fc.boolean(), 0, 1, "true"),
  day: mixed(millis.map((ms) => DateTime.unsafeMake(Math.floor(ms / day) * day)), ...edgeYears, nanInstant, new Date(0)),
  at: mixed(millis.map((ms) => DateTime.unsafeMake(ms)), ...edgeYears, nanInstant),
  atTz: mixed(
    fc.oneof(millis.map((ms) => DateTime.unsafeMake(ms)), fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n }).map(utcFromMicros)),
    ...edgeYears
  ),
  clock: mixed(clock, "24:00:00", "12:00:00.50", "12:00:00.", "12:00"),
  uid: mixed(fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase())), "not-a-uuid", "00000000-0000-0000-0000-000000000000"),
  doc: mixed(
    fc.oneof(fc.jsonValue(), fc.jsonValue().map((v) => [v, -0, { u: undefined }]), fc.integer({ min: 1, max: 1200 }).map(nested)),
    { n: 1n },
    [NaN],
    cyclic(),
    nested(5000),
    throwing,
    { d: new Date(0) },
    ["\ud800"],
    { "\u0000": "\u0000" }
  ),
  rec: mixed(fc.record({ n: fc.double(), s: text }), { n: 1, s: "x", extra: 1n }),
  anyJson: mixed(fc.jsonValue()),
  status: mixed(fc.constantFrom("draft", "published"), "Draft", ""),
  bytes: mixed(fc.uint8Array({ maxLength: 300 }), new Uint16Array(2), Buffer.from("buf")),
  num: mixed(fc.double(), NaN, -0, Infinity)
}

const sameJson = (actual: unknown, expected: unknown): boolean => {
  if (typeof expected === "number") return typeof actual === "number" && Object.is(actual, expected === 0 ? 0 : expected)
  if (expected === null || typeof expected !== "object") return Object.is(actual, expected)
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameJson(actual[i], e))
  }
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false
  // Properties whose value is undefined are left out, as JSON.stringify does.
  const keys = Object.keys(expected).filter((k) => (expected as Record<string, unknown>)[k] !== undefined)
  return keys.length === Object.keys(actual).length &&
    keys.every((k) => Object.hasOwn(actual, k) && sameJson((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]))
}

/**
 * Whether `actual`, read back, is `expected`, written, for a column of `tag`. The only
 * differences allowed are those the README documents: -0 reads back as 0, a UUID in
 * lowercase, a JSON property whose value is undefined is left out.
 */
export const readsBackAs = (tag: string, actual: unknown, expected: unknown): boolean => {
  if (expected === null) return actual === null
  switch (tag) {
    case "integer":
    case "float":
      return typeof actual === "number" && Object.is(actual, expected === 0 ? 0 : expected)
    case "numeric":
      return BigDecimal.isBigDecimal(actual) && BigDecimal.equals(actual, expected as BigDecimal.BigDecimal)
    case "date":
    case "dateTime":
      return DateTime.isDateTime(actual) && microsOf(actual) === microsOf(expected as DateTime.DateTime)
    case "uuid":
      return actual === (expected as string).toLowerCase()
    case "json":
      return sameJson(actual, expected)
    case "binary":
      return actual instanceof Uint8Array && Buffer.from(actual).equals(Buffer.from(expected as Uint8Array))
    default:
      return Object.is(actual, expected)
  }
}
