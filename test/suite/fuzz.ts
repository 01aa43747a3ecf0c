/**
 * Fuzzing on a real database (fast-check): arbitrary values into every column type and
 * every public constructor. The result is always a success or a typed failure, never a
 * defect; a value a column accepts reads back exactly, and a value it refuses is an
 * `EncodeError` with nothing written. Bounded for CI (a few seconds per database);
 * `RETORT_FUZZ_RUNS=10` runs ten times as many cases, `RETORT_FUZZ_SEED` replays one.
 */
import { assert, layer as testLayer } from "@effect/vitest"
// effect's re-export of fast-check: the package's own (ESM) declarations would be a second copy in the type-check.
import { Effect, Either, Layer, Redacted, Runtime, Schema, FastCheck as fc } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import type { EncodeError } from "../../src/Errors.js"
import * as Expr from "../../src/Expr.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Session from "../../src/Session.js"
import * as Table from "../../src/Table.js"
import * as Url from "../../src/Url.js"
import { describe as show } from "../../src/internal/values.js"
import { arbitraries, check, readsBackAs, runs, settled, syncSettled } from "../harness/fuzz.js"
import type { Suite } from "../harness/targets.js"

class Fuzz extends Table.Class<Fuzz>("Fuzz")("fuzz", {
  id: Column.integer({ primaryKey: true, autoIncrement: false }),
  int: Column.integer({ nullable: true }),
  big: Column.bigint({ nullable: true }),
  real: Column.float({ nullable: true }),
  price: Column.numeric({ precision: 10, scale: 2, nullable: true }),
  wide: Column.numeric({ precision: 30, scale: 10, nullable: true }),
  name: Column.string({ length: 20, nullable: true }),
  body: Column.text({ nullable: true }),
  flag: Column.boolean({ nullable: true }),
  day: Column.date({ nullable: true }),
  at: Column.dateTime({ nullable: true }),
  atTz: Column.dateTime({ timezone: true, nullable: true, name: "at_tz" }),
  clock: Column.time({ nullable: true }),
  uid: Column.uuid({ nullable: true }),
  doc: Column.json(Schema.Unknown, { nullable: true }),
  rec: Column.json(Schema.Struct({ n: Schema.Number, s: Schema.String }), { nullable: true }),
  anyJson: Column.json(Schema.Unknown, { default: null, name: "any_json" }),
  status: Column.literal("draft", "published").with({ nullable: true }),
  bytes: Column.binary({ nullable: true }),
  num: Column.custom(Schema.NumberFromString, { sqlType: { sqlite: "TEXT", postgresql: "TEXT", mysql: "VARCHAR(40)" }, nullable: true })
}) {}

const metadata = MetaData.make(Fuzz)
const fields = Object.keys(arbitraries) as ReadonlyArray<keyof typeof Fuzz.fields & keyof typeof arbitraries>

const seed = process.env["RETORT_FUZZ_SEED"] === undefined ? undefined : Number(process.env["RETORT_FUZZ_SEED"])
const params = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed })

/**
 * What `value` reads back as, when the column keeps it: a JSON or custom column's own
 * schema may change it (a Struct drops excess properties, NumberFromString writes -0 as "0").
 */
const expectedOf = (key: keyof typeof Fuzz.fields, value: unknown): unknown => {
  // A field left undefined is absent from the insert: NULL, or the default (JSON null for anyJson).
  if (value === undefined || value === null) return null
  const type = Column.definition(Fuzz.fields[key]).type
  if (type._tag !== "json" && type._tag !== "custom") return value
  const schema = type.schema as Schema.Schema<unknown, unknown>
  const encoded = Schema.encodeUnknownEither(schema)(value)
  return Either.isRight(encoded) ? Either.getOrElse(Schema.decodeUnknownEither(schema)(encoded.right), () => value) : value
}

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("Fuzz", (it) => {
    it.effect("every column type: arbitrary values are stored exactly or refused with an EncodeError, in INSERT, UPDATE and WHERE", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        const runtime = yield* Effect.runtime<Engine.Engine>()
        const run = <A, E>(effect: Effect.Effect<A, E, Engine.Engine>) => Runtime.runPromiseExit(runtime)(effect)
        let id = 0
        for (const key of fields) {
          const tag = Column.definition(Fuzz.fields[key]).type._tag
          const ref = Fuzz.c[key] as unknown as Expr.Expr<unknown>
          const property = fc.asyncProperty(arbitraries[key]!, async (value) => {
            const row = { id: ++id, [key]: value }
            const inserted = settled(await run(Query.execute(Query.insert(Fuzz).values(row as never))), `insert ${key}`)
            const read = async () => {
              const rows = settled(await run(Query.execute(Query.select(Fuzz).where(Fuzz.c.id.eq(row.id)))), `select ${key}`)
              assert.isTrue(rows.ok, `${key}: reading the row back failed: ${rows.ok ? "" : show(rows.error)}`)
              return rows.ok ? rows.value : []
            }
            if (!inserted.ok) {
              assert.strictEqual((inserted.error as EncodeError)._tag, "EncodeError", `${key}: ${show(inserted.error)}`)
              assert.strictEqual((await read()).length, 0, `${key}: refused, yet a row was written`)
            } else {
              const [back] = await read()
              const actual = back?.[key] ?? null
              assert.isTrue(readsBackAs(tag, actual, expectedOf(key, value)), `${key}: wrote ${show(value)}, read ${show(actual)}`)
            }
            // The same value in a WHERE and in an UPDATE's SET: a result or a typed failure.
            settled(await run(Query.execute(Query.select(Fuzz).where(ref.eq(value as never)))), `where ${key} =`)
            settled(await run(Query.execute(Query.select(Fuzz).where(ref.in([value as never])))), `where ${key} in`)
            if (inserted.ok && value !== undefined) {
              const updated = settled(await run(Query.execute(Query.update(Fuzz).set({ [key]: value } as never).where(Fuzz.c.id.eq(row.id)))), `update ${key}`)
              assert.isTrue(updated.ok, `${key}: the value inserted, but not as an update: ${updated.ok ? "" : show(updated.error)}`)
              const [again] = await read()
              assert.isTrue(readsBackAs(tag, again?.[key] ?? null, expectedOf(key, value)), `${key}: updated to ${show(value)}, read ${show(again?.[key])}`)
            }
          })
          yield* Effect.promise(() => check(`column ${key}`, property, params(runs(target.dialect === "sqlite" ? 60 : 25))))
        }
      }), { timeout: 120_000 })

    it.effect("public constructors: models, expressions, LIKE, LIMIT, URLs, codecs and the session take arbitrary input without a defect", () =>
      Effect.gen(function*() {
        const runtime = yield* Effect.runtime<Engine.Engine>()
        const run = <A, E>(effect: Effect.Effect<A, E, Engine.Engine>) => Runtime.runPromiseExit(runtime)(effect)
        yield* metadata.dropAll
        yield* metadata.createAll
        const anything = fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true, maxDepth: 2 })
        const props: ReadonlyArray<readonly [string, fc.IAsyncProperty<any> | fc.IProperty<any>, number]> = [
          ["Url.parseEither", fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.webUrl(), anything), (input) => {
            const parsed = Url.parseEither(input as string)
            if (Either.isLeft(parsed)) assert.strictEqual(parsed.left._tag, "UrlError")
            syncSettled(() => Effect.runSync(Url.parse(Redacted.make(input as string)).pipe(Effect.either)), [], "Url.parse")
          }), 300],
          ["Engine.layer", fc.asyncProperty(fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom("sqlite://", "mysql://u:p@h:0/x")), async (input) => {
            settled(await Effect.runPromiseExit(Effect.scoped(Layer.build(Engine.layer(input)))), "Engine.layer")
          }), 50],
          ["Column constructors and Table.Class", fc.asyncProperty(
            fc.record({
              table: fc.oneof(fc.string({ unit: "binary", maxLength: 20 }), fc.string16bits({ maxLength: 5 })),
              column: fc.oneof(fc.string({ unit: "binary", maxLength: 20 }), fc.string16bits({ maxLength: 5 })),
              length: fc.oneof(fc.integer({ min: -2, max: 300 }), fc.double()),
              precision: fc.oneof(fc.integer({ min: -1, max: 70 }), fc.double()),
              scale: fc.oneof(fc.integer({ min: -1, max: 40 }), fc.double()),
              values: fc.array(fc.string({ unit: "binary", maxLength: 8 }), { maxLength: 3 })
            }),
            async (o) => {
              let model: Table.Any | undefined
              syncSettled(() => {
                model = Table.Class<any>("Arbitrary")(`fz_${o.table}`, {
                  id: Column.integer({ primaryKey: true }),
                  s: Column.string({ length: o.length, nullable: true, name: o.column === "" ? undefined : `c_${o.column}` } as any),
                  n: Column.numeric({ precision: o.precision, scale: o.scale, nullable: true }),
                  l: (Column.literal as any)(...o.values).with({ nullable: true })
                }) as unknown as Table.Any
              }, ["DefinitionError"], "Table.Class")
              if (model === undefined) return
              const md = MetaData.make(model)
              syncSettled(() => md.ddl(target.dialect), ["DefinitionError"], "ddl")
              const created = settled(await run(md.createAll), "createAll")
              if (created.ok) {
                settled(await run(Query.execute(Query.insert(model).values({ s: o.table, n: null, l: null } as never))), "insert")
                settled(await run(Query.execute(Query.select(model))), "select")
              }
              settled(await run(md.dropAll), "dropAll")
            }
          ), 8],
          ["Expr.literal, Expr.escapeLike and like", fc.asyncProperty(
            fc.oneof(fc.string16bits(), fc.double(), fc.bigInt(), fc.boolean(), fc.constant(null)),
            fc.string16bits({ maxLength: 4 }),
            async (value, escape) => {
              settled(await run(Query.execute(Query.select({ v: Expr.literal(value as never) }))), "select literal")
              const pattern = Expr.escapeLike(String(value), escape)
              settled(await run(Query.execute(Query.select(Fuzz).where(Fuzz.c.body.like(pattern, { escape })))), "like")
              settled(await run(Query.execute(Query.select(Fuzz).where(Fuzz.c.body.ilike(String(value))))), "ilike")
            }
          ), 60],
          ["escapeLike matches the text literally", fc.asyncProperty(
            fc.string({ unit: "grapheme-ascii", maxLength: 12 }),
            fc.constantFrom("\\", "!", "#", "~"),
            async (text, escape) => {
              await run(Query.execute(Query.delete(Fuzz)))
              const rows = [text, `${text}x`, `x${text}`, text.replace(/[%_]/g, "a")].map((body, i) => ({ id: i + 1, body }))
              const inserted = settled(await run(Query.execute(Query.insert(Fuzz).values(rows))), "insert")
              if (!inserted.ok) return
              const found = settled(await run(Query.execute(Query.select(Fuzz).where(Fuzz.c.body.like(Expr.escapeLike(text, escape), { escape })))), "like")
              assert.isTrue(found.ok)
              if (found.ok) assert.deepStrictEqual([...new Set(found.value.map((r) => r.body))], [text])
            }
          ), 30],
          ["limit and offset", fc.asyncProperty(fc.oneof(fc.integer(), fc.double()), fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double()), async (limit, offset) => {
            settled(await run(Query.execute(Query.select(Fuzz).limit(limit).offset(offset))), "limit")
          }), 40],
          ["Column.codec and model constructors", fc.property(fc.constantFrom(...fields), anything, (key, value) => {
            const codec = Column.codec(Fuzz.fields[key] as Column.Any, target.dialect)
            Schema.encodeUnknownEither(codec)(value)
            Schema.decodeUnknownEither(codec)(value)
            syncSettled(() => new Fuzz({ id: 1, anyJson: null, [key]: value } as never), ["ParseError"], "new Fuzz")
          }), 300],
          ["session.add and commit", fc.asyncProperty(fc.constantFrom(...fields), fc.oneof(...fields.map((f) => arbitraries[f]!)), async (key, value) => {
            const program = Effect.scoped(Effect.gen(function*() {
              const session = yield* Session.make
              yield* session.add(Fuzz, { id: 1_000_000 + Math.floor(Math.random() * 1e6), [key]: value } as never)
              yield* session.commit
            }))
            settled(await run(program), "session")
          }), 25]
        ]
        for (const [name, property, base] of props) {
          yield* Effect.promise(() => check(name, property, params(runs(target.dialect === "sqlite" ? base : Math.ceil(base / 2)))))
        }
        yield* metadata.dropAll
      }), { timeout: 120_000 })
  })
}

