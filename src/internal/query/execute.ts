/**
 * Running statements: compile, run on the engine (one call on the hot path), decode rows
 * into model instances or records, and stream large results. Re-exported by `src/Query.ts`;
 * `executeWith` is the session's path.
 */
import { Chunk, Effect, Stream } from "effect"
import * as Dialect from "../../Dialect.js"
import * as Engine from "../../Engine.js"
import { type DatabaseError, DecodeError, EncodeError } from "../../Errors.js"
import * as Ast from "../ast/nodes.js"
import { compile, type Step } from "../compiler.js"
import { operand } from "../expr.js"
import { rowDecoder } from "../rows.js"
import { fromDriver, ValueError } from "../values.js"

import { type Compilable, type Result } from "./shapes.js"
import { type Compound } from "./compound.js"
import { type Decoding, emptySelect, refOf } from "./build.js"
import { type Select } from "./select.js"
import { insertAllDirect } from "./insertRow.js"


// --- running ---------------------------------------------------------------------------

/** Runs `f`, failing with the typed errors it throws; anything else is a defect (a bug). */
const attempt = <A, E>(f: () => A, is: (e: unknown) => e is E): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (e) {
      if (is(e)) return Effect.fail(e)
      throw e
    }
  })

const isEncodeError = (e: unknown): e is EncodeError => e instanceof EncodeError
const isDecodeError = (e: unknown): e is DecodeError => e instanceof DecodeError

const compileIn = (dialect: Dialect.Dialect, node: Ast.Statement) => attempt(() => compile(dialect, node), isEncodeError)

/** Which selected sources are left-joined: their columns decode as nullable. */
const leftJoined = (node: Ast.Select): ReadonlySet<string> =>
  new Set(
    node.joins.filter((j) => j.kind === "left").map((j) =>
      j.source._tag === "Table" ? j.source.alias ?? j.source.table.tableName : j.source._tag === "Subquery" ? j.source.alias : j.source.name
    )
  )

const sourceOf = (node: Ast.Node): string | undefined =>
  node._tag === "ColumnRef" ? node.table.alias ?? node.table.tableName : node._tag === "SourceColumn" ? node.source : undefined

const recordDecoder = (dialect: Dialect.Dialect, selection: ReadonlyArray<Ast.Selection>, nullableSources: ReadonlySet<string>) => {
  const columns = selection.map((sel) => {
    const source = sourceOf(sel.node)
    return { ...sel, nullable: sel.nullable || (source !== undefined && nullableSources.has(source)) }
  })
  return (row: Readonly<Record<string, unknown>>) => {
    const out: Record<string, unknown> = {}
    for (const sel of columns) {
      const raw = row[sel.alias]
      if (raw === null || raw === undefined || sel.type._tag === "unknown") {
        out[sel.alias] = raw ?? null
        continue
      }
      try {
        out[sel.alias] = sel.type._tag === "decimal" ? fromDriver({ _tag: "numeric", precision: 38, scale: 10 }, raw, dialect.values) : fromDriver(sel.type, raw, dialect.values)
      } catch (e) {
        if (!(e instanceof ValueError)) throw e
        throw new DecodeError({ message: `result column ${sel.alias}: ${e.message}`, table: "(query)", column: sel.alias, value: String(raw) })
      }
    }
    return out
  }
}

const decoderFor = (dialect: Dialect.Dialect, decoding: Decoding, selection: ReadonlyArray<Ast.Selection>, nullableSources: ReadonlySet<string>) =>
  decoding._tag === "Model" ? rowDecoder(dialect, decoding.model, decoding.def) : recordDecoder(dialect, selection, nullableSources)

const selectionOf = (node: Ast.Statement): ReadonlyArray<Ast.Selection> | undefined => {
  switch (node._tag) {
    case "Select":
      return node.selection
    case "Compound":
      return node.first.selection
    default:
      return node.returning
  }
}

const operations = { Select: "SELECT", Compound: "SELECT", Insert: "INSERT", Update: "UPDATE", Delete: "DELETE" } as const

/**
 * The table a select reads from; through a subquery in FROM, the subquery's (a joined load
 * of collections selects its parents in one first: theirs is the statement's table).
 */
const tableRead = (select: Ast.Select): string | undefined => {
  const from = select.from
  if (from?._tag === "Table") return from.table.tableName
  if (from?._tag === "Subquery") return tableRead(from.query._tag === "Compound" ? from.query.first : from.query)
  return undefined
}

/**
 * The main table and operation of a statement, for its telemetry span (`Engine.SpanOptions`).
 * Built for every statement, traced or not: two fields, no string work.
 */
const spanOf = (node: Ast.Statement, wide: boolean): Engine.StatementOptions => {
  const select = node._tag === "Compound" ? node.first : node._tag === "Select" ? node : undefined
  const collection = select === undefined ? (node as Ast.Insert | Ast.Update | Ast.Delete).table.tableName : tableRead(select)
  const operation = operations[node._tag]
  // A select that locks no rows only reads: outside a transaction it may go to a replica.
  const readOnly = select !== undefined && (node._tag === "Compound" || select.lock === undefined)
  return wide ? { safeIntegers: true, collection, operation, readOnly } : { collection, operation, readOnly }
}

/**
 * PostgreSQL: ids inserted explicitly leave the identity sequence behind. An insert that sets
 * the id marks its sequence stale; one that takes a generated id from a stale sequence gets
 * its key back, and the sequence is moved past the table's ids first (once, not per row).
 */
const staleIdentityOf = (engine: Engine.Engine, step: Step): string | undefined => {
  if (step.identity === undefined || engine.dialect.compiler.syncIdentity === undefined) return undefined
  const stale = staleIdentities(engine)
  const key = `${step.identity.table}\u0000${step.identity.column}`
  if (step.identity.explicit) stale.add(key)
  return !step.identity.explicit && stale.has(key) ? key : undefined
}

/**
 * For a one-row insert run outside this module (`insertRow.ts`): records an explicit id as
 * `staleIdentityOf` does, and says whether the general path must resync the sequence first.
 *
 * @internal
 */
export const needsIdentitySync = (engine: Engine.Engine, step: Step): boolean => staleIdentityOf(engine, step) !== undefined

/** Per engine, the identity sequences that ids inserted explicitly have left behind. */
const staleByEngine = new WeakMap<Engine.Engine, Set<string>>()
const staleIdentities = (engine: Engine.Engine) => {
  let stale = staleByEngine.get(engine)
  if (stale === undefined) staleByEngine.set(engine, stale = new Set())
  return stale
}

/**
 * UPDATE … RETURNING where the database has none (MariaDB): in one transaction, lock and
 * remember the keys of the rows the WHERE matches, update, then read them back by key.
 */
const emulatedUpdateReturning = (engine: Engine.Engine, node: Ast.Update, run: (steps: ReadonlyArray<Step>) => Effect.Effect<ReadonlyArray<Engine.Row>, DatabaseError>) =>
  Effect.gen(function*() {
    const def = node.table
    if (def.primaryKey.length === 0) {
      // A table without a primary key cannot have its updated rows read back here: a typed refusal.
      return yield* new EncodeError({
        message: `UPDATE … RETURNING on ${engine.dialect.name} needs a primary key on ${def.tableName}`,
        table: def.tableName,
        column: undefined
      })
    }
    const keys = def.primaryKey.map((k) => refOf(def, k))
    const keySelection = keys.map((k, i) => ({ node: k.node, alias: `k${i}`, type: k.valueType, nullable: false }))
    // An UPDATE … FROM matches the rows its sources join with, as the same joins in a SELECT do.
    const joins = (node.from ?? []).map((source): Ast.Join => ({ kind: "inner", source, on: Ast.raw("TRUE") }))
    const lock = (yield* compileIn(engine.dialect, { ...emptySelect(keySelection, { _tag: "Table", table: def, alias: undefined }), joins, where: node.where }))[0]!
    // Compiled before anything runs: a value the UPDATE refuses locks nothing.
    const write = yield* compileIn(engine.dialect, { ...node, returning: undefined })
    const found = yield* engine.execute(`${lock.sql} FOR UPDATE`, lock.params, { collection: def.tableName, operation: "SELECT" })
    yield* run(write)
    if (found.length === 0) return []
    const match: Ast.Node = found
      .map((row) =>
        keys
          .map((k, i): Ast.Node => ({ _tag: "Binary", op: "=", left: k.node, right: operand(row[`k${i}`], undefined) }))
          .reduce((left, right) => ({ _tag: "Binary", op: "AND", left, right }))
      )
      .reduce((left, right) => ({ _tag: "Binary", op: "OR", left, right }))
    const read = yield* compileIn(engine.dialect, { ...emptySelect(node.returning!, { _tag: "Table", table: def, alias: undefined }), where: match })
    return yield* run(read)
  })

/**
 * Runs a query on the engine in context, inside the current transaction if any. A SELECT
 * gives its rows (model instances or records); INSERT, UPDATE and DELETE give
 * `{ rowsAffected }`, or the rows they touched with `returning`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, MetaData, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const program = Effect.gen(function* () {
 *   yield* MetaData.make(Tag).createAll
 *   yield* Query.execute(Query.insert(Tag).values([{ name: "a" }, { name: "b" }]))
 *   return yield* Query.execute(Query.select(Tag).orderBy(Tag.c.name))
 * }).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.1.0
 * @category execution
 */
export const execute = <Q extends Compilable>(
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Effect.flatMap(Engine.Engine, (engine) => executeWith(engine, query))

/**
 * {@link execute} on a given engine, without reading it from the context (the session's path).
 *
 * @internal
 */
export const executeWith = <Q extends Compilable>(
  engine: Engine.Engine,
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError> => {
  if (query.node._tag === "Insert" && (query as unknown as { decoding: Decoding }).decoding._tag === "Model") {
    const direct = insertAllDirect(engine, query.node, (steps) => {
      const span = spanOf(query.node, false)
      const each = Effect.map(
        Effect.forEach(steps, (step) => Effect.map(engine.executeRaw(step.sql, step.params, span), (raw) => engine.dialect.compiler.affectedRows(raw))),
        (counts) => counts.reduce((a, b) => a + b, 0)
      )
      return steps.length > 1 ? engine.transaction(each) : each
    })
    if (direct !== undefined) return direct as unknown as Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError>
  }
  const fast = executeOne(engine, query)
  return fast !== undefined ? fast : Effect.provideService(executeSteps(engine, query), Engine.Engine, engine)
}

/**
 * The hot path: one statement, no identity resync to run first, no emulation. Compiled
 * synchronously and run with one engine call; `undefined` when the general path is needed.
 */
const executeOne = <Q extends Compilable>(
  engine: Engine.Engine,
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError> | undefined => {
  const node = query.node
  if (node._tag === "Update" && node.returning !== undefined && !engine.capabilities.updateReturning) return undefined
  let steps: ReadonlyArray<Step>
  try {
    steps = compile(engine.dialect, node)
  } catch (e) {
    if (isEncodeError(e)) return Effect.fail(e)
    throw e
  }
  if (steps.length !== 1) return undefined
  const step = steps[0]!
  if (staleIdentityOf(engine, step) !== undefined) return undefined
  const selection = selectionOf(node)
  if (step.result === "count" || selection === undefined) {
    return Effect.map(
      engine.executeRaw(step.sql, step.params, spanOf(node, false)),
      (raw) => ({ rowsAffected: step.result === "count" ? engine.dialect.compiler.affectedRows(raw) : 0 }) as Result<Q>
    )
  }
  const wide = engine.dialect.values.bigintNeedsSafeIntegers && selection.some((s) => s.type._tag === "bigint")
  const decoding = (query as unknown as { decoding: Decoding }).decoding
  const nullableSources = node._tag === "Select" ? leftJoined(node) : noSources
  const decode = decoderFor(engine.dialect, decoding, selection, nullableSources)
  return Effect.flatMap(
    engine.execute(step.sql, step.params, spanOf(node, wide)),
    (raw) => attempt(() => raw.map(decode) as unknown as Result<Q>, isDecodeError)
  )
}

const noSources: ReadonlySet<string> = new Set()

const executeSteps = <Q extends Compilable>(
  engine: Engine.Engine,
  query: Q
): Effect.Effect<Result<Q>, DatabaseError | DecodeError | EncodeError> =>
  Effect.gen(function*() {
    const node = query.node
    const decoding = (query as unknown as { decoding: Decoding }).decoding
    const selection = selectionOf(node)
    // better-sqlite3 reads integers beyond 2^53 exactly only in its safe-integer mode.
    const wide = engine.dialect.values.bigintNeedsSafeIntegers && (selection ?? []).some((s) => s.type._tag === "bigint")
    const span = spanOf(node, wide)
    const rowsOf = (sql: string, params: ReadonlyArray<unknown>) => engine.execute(sql, params, span)

    let affected = 0
    const sync = engine.dialect.compiler.syncIdentity
    const stale = staleIdentities(engine)
    const run = (steps: ReadonlyArray<Step>) =>
      Effect.gen(function*() {
        const rows: Array<Engine.Row> = []
        for (const step of steps) {
          const key = staleIdentityOf(engine, step)
          if (key !== undefined) {
            const { params, sql } = sync!(step.identity!.table, step.identity!.column)
            yield* engine.execute(sql, params, { collection: step.identity!.table, operation: "SELECT" })
            stale.delete(key)
          }
          if (step.result === "rows") {
            // One by one: spreading a large result into push() overflows the stack.
            for (const row of yield* rowsOf(step.sql, step.params)) rows.push(row)
          } else if (step.result === "count") affected += engine.dialect.compiler.affectedRows(yield* engine.executeRaw(step.sql, step.params, span))
          else yield* engine.execute(step.sql, step.params, span)
        }
        return rows
      })

    let raw: ReadonlyArray<Engine.Row>
    if (node._tag === "Update" && node.returning !== undefined && !engine.capabilities.updateReturning) {
      raw = yield* engine.transaction(emulatedUpdateReturning(engine, node, run))
    } else {
      const steps = yield* compileIn(engine.dialect, node)
      // Several statements (a split insert, an identity resync) are one unit.
      raw = steps.length > 1 ? yield* engine.transaction(run(steps)) : yield* run(steps)
    }

    if (selection === undefined) return { rowsAffected: affected } as Result<Q>
    const nullableSources = node._tag === "Select" ? leftJoined(node) : new Set<string>()
    const decode = decoderFor(engine.dialect, decoding, selection, nullableSources)
    return yield* attempt(() => raw.map(decode) as unknown as Result<Q>, isDecodeError)
  })

/**
 * Runs a SELECT on the engine in context and streams its rows, decoded as they arrive: a
 * cursor on PostgreSQL, a row stream with back-pressure on MariaDB, an iterator on SQLite.
 * Memory stays bounded whatever the result's size; stopping early (`Stream.take`) releases
 * the cursor and the connection. Inside a transaction it reads on the transaction's connection.
 *
 * @example
 * import { Effect, Stream } from "effect"
 * import { Column, Engine, MetaData, Query, Table } from "retort-orm"
 * class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const firstTen = Effect.gen(function* () {
 *   yield* MetaData.make(Tag).createAll
 *   return yield* Stream.runCollect(Stream.take(Query.stream(Query.select(Tag).orderBy(Tag.c.id)), 10))
 * }).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category execution
 */
export const stream = <Row>(
  query: Select<Row, any, any> | Compound<Row, any>,
  options?: { readonly chunk?: number | undefined }
): Stream.Stream<Row, DatabaseError | DecodeError | EncodeError, Engine.Engine> =>
  Stream.unwrap(Effect.gen(function*() {
    const engine = yield* Engine.Engine
    const node = query.node
    const decoding = (query as unknown as { decoding: Decoding }).decoding
    const selection = selectionOf(node)!
    const steps = yield* compileIn(engine.dialect, node)
    const step = steps[0]!
    const wide = engine.dialect.values.bigintNeedsSafeIntegers && selection.some((s) => s.type._tag === "bigint")
    const nullableSources = node._tag === "Select" ? leftJoined(node) : new Set<string>()
    const decode = decoderFor(engine.dialect, decoding, selection, nullableSources)
    return engine.stream(step.sql, step.params, { ...spanOf(node, false), safeIntegers: wide, chunk: options?.chunk }).pipe(
      Stream.mapChunksEffect((chunk) => attempt(() => Chunk.map(chunk, (row) => decode(row) as Row), isDecodeError))
    )
  }))

