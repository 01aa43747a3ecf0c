/**
 * The session's reads: `session.query(Model)` (an immutable builder whose terminals run
 * through the session, so that rows are the session's instances and pending changes are
 * flushed first) and `session.get` by primary key (identity map first, then one
 * statement compiled once per model and dialect). Built by `src/Session.ts`; eager
 * loading goes through `../loading/Loader.ts` (selectin) and `../loading/Joined.ts`
 * (joined: the parents' statement is built there).
 */
import { Effect, Option, RuntimeFlags, Stream } from "effect"
import type * as Dialect from "../../Dialect.js"
import type * as Engine from "../../Engine.js"
import { Engine as EngineTag } from "../../Engine.js"
import { DecodeError, EncodeError, MultipleResultsFound, NoResultFound } from "../../Errors.js"
import type * as Expr from "../../Expr.js"
import * as Fn from "../../Fn.js"
import * as Query from "../../Query.js"
import type * as RelationModule from "../../Relation.js"
import type { Key, Session, SessionError, SessionQuery } from "../../Session.js"
import * as Table from "../../Table.js"
import { stateOf } from "../loading/LazyLoads.js"
import { emptyLevel, hasJoined, type Level, selectJoined } from "../loading/Joined.js"
import { attach } from "../loading/Loader.js"
import { chooseStrategy, type RelationDef, resolveStrategies } from "../loading/RelationDef.js"
import { encodeValue, rowDecoder } from "../rows.js"
import * as StatementNow from "../statementNow.js"
import type { TableDef } from "../tableDef.js"
import * as Transaction from "../transaction.js"
import { keyOf } from "./IdentityMap.js"
import * as Persister from "./Persister.js"
import type { SessionTransaction } from "./SessionTransaction.js"
import type { UnitOfWork } from "./UnitOfWork.js"

/** What the reads need of the session. */
export interface Reader {
  readonly engine: Engine.Engine
  readonly transaction: SessionTransaction
  /** Runs a Core statement in the session's transaction, after a flush. */
  readonly execute: <Q extends Query.Compilable>(query: Q) => Effect.Effect<Query.Result<Q>, SessionError>
  /** The session itself, for loading relations. */
  readonly session: Session
}

interface QueryState {
  readonly where: ReadonlyArray<Expr.Expr<boolean> | Expr.Expr<boolean | null>>
  readonly orderBy: ReadonlyArray<Expr.Expr<any> | Expr.Order>
  readonly limit: number | undefined
  readonly offset: number | undefined
  readonly relations: Readonly<Record<string, RelationDef>>
  readonly lock?: { readonly strength: "update" | "share"; readonly options: Query.LockOptions | undefined } | undefined
}

const noFilter: QueryState = { where: [], orderBy: [], limit: undefined, offset: undefined, relations: {} }

/** Rows as the session's instances, merged into the identity map by the current level. */
const remember = <M extends Table.Any>(reader: Reader, def: TableDef, rows: ReadonlyArray<InstanceType<M>>) =>
  Effect.map(reader.transaction.unit, (unit) => {
    // The decoded array is the query's own: merged in place, no second array per result.
    unit.identity.mergeAll(def, rows as unknown as Array<object>)
    return rows
  })

export const query = <M extends Table.Any>(reader: Reader, model: M): SessionQuery<M> => new QueryObject(reader, model, noFilter)

const select = (model: Table.Any, state: QueryState, limit: number | undefined) => {
  let q = Query.select(model).where(...state.where).orderBy(...state.orderBy)
  if (limit !== undefined) q = q.limit(limit)
  if (state.offset !== undefined) q = q.offset(state.offset)
  if (state.lock !== undefined) q = state.lock.strength === "update" ? q.forUpdate(state.lock.options) : q.forShare(state.lock.options)
  return q
}

const rows = <M extends Table.Any>(reader: Reader, model: M, state: QueryState, limit: number | undefined): Effect.Effect<ReadonlyArray<any>, SessionError> => {
  const def = Table.definition(model)
  if (Object.keys(state.relations).length === 0) {
    return Effect.flatMap(reader.execute(select(model, state, limit)), (found) =>
      Effect.map(remember<M>(reader, def, found as ReadonlyArray<InstanceType<M>>), (merged) => {
        // The rows remember their result set, so that a lazy load on one loads for all (no N+1).
        stateOf(reader.session).remember(merged as ReadonlyArray<object>)
        return merged
      }))
  }
  const relations = resolveStrategies(state.relations, undefined)
  const parents: Effect.Effect<{ readonly found: ReadonlyArray<object>; readonly level: Level | undefined }, SessionError> =
    hasJoined(relations)
      ? Effect.suspend(() => {
        const level = emptyLevel(relations)
        const base = { where: state.where, orderBy: state.orderBy, limit, offset: state.offset, lock: state.lock }
        return Effect.map(selectJoined(reader.session, model, base, relations, level), (found) => ({ found, level }))
      })
      : Effect.map(
        Effect.flatMap(reader.execute(select(model, state, limit)), (found) => remember<M>(reader, def, found as ReadonlyArray<InstanceType<M>>)),
        (found) => ({ found: found as ReadonlyArray<object>, level: undefined })
      )
  return Effect.flatMap(parents, ({ found, level }) =>
    Effect.tap(attach(relations, reader.session, found, level), (copies) => stateOf(reader.session).remember(copies, found)))
}

/**
 * An immutable builder: each step makes a new one, and a terminal (`all`, `first`, …)
 * builds its statement only when read, so a chain of steps compiles nothing in between.
 * A class rather than an object literal of closures: one small object per step (see
 * `SessionObject.ts` on V8 pretenuring literals).
 */
class QueryObject<M extends Table.Any> implements SessionQuery<M, any> {
  constructor(private readonly reader: Reader, private readonly model: M, private readonly state: QueryState) {}
  private next(changes: Partial<QueryState>): QueryObject<M> {
    return new QueryObject(this.reader, this.model, { ...this.state, ...changes })
  }
  where(...conditions: ReadonlyArray<Expr.Expr<boolean> | Expr.Expr<boolean | null>>) {
    return this.next({ where: [...this.state.where, ...conditions] })
  }
  filterBy(values: Readonly<Record<string, unknown>>) {
    const model = this.model
    return this.next({
      where: [
        ...this.state.where,
        ...Object.entries(values).map(([k, v]) => (v === null ? model.c[k]!.isNull() : model.c[k]!.eq(v as never)))
      ]
    })
  }
  orderBy(...terms: ReadonlyArray<Expr.Expr<any> | Expr.Order>) {
    return this.next({ orderBy: [...this.state.orderBy, ...terms] })
  }
  limit(n: number) {
    return this.next({ limit: n })
  }
  offset(n: number) {
    return this.next({ offset: n })
  }
  // Built now, so that bad options (nowait with skipLocked) throw where they are written.
  forUpdate(options?: Query.LockOptions) {
    Query.select(this.model).forUpdate(options)
    return this.next({ lock: { strength: "update", options } })
  }
  forShare(options?: Query.LockOptions) {
    Query.select(this.model).forShare(options)
    return this.next({ lock: { strength: "share", options } })
  }
  with(relations: RelationModule.Relations, options?: RelationModule.WithOptions): any {
    return this.next({ relations: { ...this.state.relations, ...chooseStrategy(relations, options) } })
  }
  get all() {
    return rows(this.reader, this.model, this.state, this.state.limit)
  }
  get first() {
    return Effect.map(rows(this.reader, this.model, this.state, 1), (found) => Option.fromNullable(found[0]))
  }
  get one() {
    const def = Table.definition(this.model)
    const limit = this.state.limit === undefined ? 2 : Math.min(this.state.limit, 2)
    return Effect.flatMap(
      rows(this.reader, this.model, this.state, limit),
      (found): Effect.Effect<InstanceType<M>, NoResultFound | MultipleResultsFound> =>
        found.length === 1
          ? Effect.succeed(found[0]!)
          : found.length === 0
          ? Effect.fail(new NoResultFound({ message: `No ${def.identifier} matched the query`, table: def.tableName }))
          : Effect.fail(new MultipleResultsFound({ message: `More than one ${def.identifier} matched the query`, table: def.tableName }))
    )
  }
  get count() {
    return Effect.map(this.reader.execute(Query.select({ n: Fn.count() }).from(this.model).where(...this.state.where)), (found) => found[0]!.n)
  }
  // Rows decoded as they arrive (bounded memory). Pending changes are flushed first. An
  // instance the session already holds is returned as is; new rows are not kept in the
  // identity map, so that memory stays bounded (SQLAlchemy's yield_per keeps them weakly).
  // With relations the rows are read first: loading them needs statements of their own,
  // which cannot run on a connection whose result is still being read.
  get stream(): Stream.Stream<InstanceType<M>, SessionError> {
    const { reader, model, state } = this
    if (Object.keys(state.relations).length > 0) return Stream.flatMap(Stream.fromEffect(this.all), Stream.fromIterable)
    const def = Table.definition(model)
    return Stream.unwrap(Effect.gen(function*() {
      yield* reader.transaction.flush
      const unit = yield* reader.transaction.unit
      const level = yield* reader.transaction.readLevel
      const found: Stream.Stream<InstanceType<M>, SessionError> = Stream.map(
        Query.stream(select(model, state, state.limit)).pipe(Stream.provideService(EngineTag, reader.engine)),
        (row) =>
          (def.primaryKey.length === 0 ? row : unit.identity.get(def, row as Record<string, unknown>) ?? row) as InstanceType<M>
      )
      return level === undefined
        ? found
        : Stream.provideService(found, Transaction.StreamLevel, { ref: reader.engine.currentTransaction, level })
    }))
  }
}

/** `SELECT … WHERE pk = ?` per model and dialect, compiled once, with its row decoder. */
interface Lookup {
  readonly sql: string
  /** The statement's options: one row, read-only, and its table and operation for its span. */
  readonly options: Engine.StatementOptions
  readonly decode: (row: Engine.Row) => unknown
}
const lookups = new WeakMap<Table.Any, Map<string, Lookup>>()
const primaryKeyLookup = (dialect: Dialect.Dialect, model: Table.Any, def: TableDef) => {
  let byDialect = lookups.get(model)
  if (byDialect === undefined) lookups.set(model, byDialect = new Map())
  let lookup = byDialect.get(dialect.name)
  if (lookup === undefined) {
    const sample = Object.fromEntries(def.primaryKey.map((k) => [k, null]))
    const wide = dialect.values.bigintNeedsSafeIntegers && def.columns.some((c) => c.def.type._tag === "bigint")
    lookup = {
      sql: Query.select(model).where(Persister.locate(model, def, sample)).toSql(dialect).sql,
      options: { single: true, readOnly: true, collection: def.tableName, operation: "SELECT", ...(wide ? { safeIntegers: true } : {}) },
      decode: rowDecoder(dialect, model, def)
    }
    byDialect.set(dialect.name, lookup)
  }
  return lookup
}

const keyValues = (def: TableDef, key: Key): Record<string, unknown> =>
  typeof key === "object" ? { ...key } : { [def.primaryKey[0]!]: key }

/** A lookup's row as the level's instance (a function, not a closure per lookup). */
const found = (
  unit: UnitOfWork,
  def: TableDef,
  lookup: { readonly decode: (row: Readonly<Record<string, unknown>>) => unknown },
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>
): Effect.Effect<Option.Option<object>, DecodeError> => {
  if (rows.length === 0) return Effect.succeed(Option.none())
  try {
    return Effect.succeed(Option.some(unit.identity.merge(def, lookup.decode(rows[0]!) as object)))
  } catch (e) {
    if (e instanceof DecodeError) return Effect.fail(e)
    throw e
  }
}

/**
 * The instance with this primary key: none if the current level or one it runs inside
 * deletes it, the identity map's if known, else one statement (after a flush).
 */
export const get = <M extends Table.Any>(reader: Reader, model: M, key: Key): Effect.Effect<Option.Option<InstanceType<M>>, SessionError> =>
  Effect.withFiberRuntime((fiber, status) => {
    const unit = reader.transaction.unitIn(fiber)
    const { engine, transaction } = reader
    const def = Table.definition(model)
    const values = keyValues(def, key)
    if (unit.deletesAny && unit.hides(keyOf(def, values))) return Effect.succeed(Option.none())
    const known = unit.identity.get(def, values)
    if (known !== undefined) return Effect.succeed(Option.some(known as InstanceType<M>))
    // The hot path: SQL compiled once per model and dialect, values encoded, one statement.
    const lookup = primaryKeyLookup(engine.dialect, model, def)
    let params: ReadonlyArray<unknown>
    try {
      params = def.primaryKey.map((k) => encodeValue(engine.dialect, def, def.byKey.get(k)!, values[k]))
    } catch (e) {
      if (e instanceof EncodeError) return Effect.fail(e)
      throw e
    }
    const pending = !unit.changes.isEmpty || unit.flushing !== 0
    // SQLite, nothing to write first, the read to run where it stands: the statement runs in
    // this step and the lookup is done, with no Effect of its own (workload d).
    // A server driver: the statement and the decode as one Effect.async (`StatementNow.later`).
    if (!pending && transaction.readsAsIs(fiber)) {
      const now = StatementNow.nowOf(engine)
      if (now?.later !== undefined) {
        const call = now.later(fiber, RuntimeFlags.interruptible(status.runtimeFlags), true, lookup.sql, params, lookup.options, (rows) => found(unit, def, lookup, rows as ReadonlyArray<Engine.Row>))
        if (call !== StatementNow.notNow) return call as Effect.Effect<Option.Option<InstanceType<M>>, SessionError>
      } else {
        const rows = now === undefined ? StatementNow.notNow : now.query(fiber, lookup.sql, params, lookup.options)
        if (rows instanceof StatementNow.Failed) return Effect.fail(rows.error)
        if (rows !== StatementNow.notNow) return found(unit, def, lookup, rows) as Effect.Effect<Option.Option<InstanceType<M>>, DecodeError>
      }
    }
    // No Effect.suspend around the decode: the flatMap callback is lazy already, and a
    // suspend per lookup was seen to tip V8 into pretenuring the session's garbage.
    const decoded = Effect.flatMap(
      engine.execute(lookup.sql, params, lookup.options),
      (rows) => found(unit, def, lookup, rows) as Effect.Effect<Option.Option<InstanceType<M>>, DecodeError>
    )
    // Nothing pending at this level (the usual lookup): no flush to run first, and where the
    // read runs is known now. A flush may begin the session's transaction: decided after it.
    return pending ? Effect.zipRight(transaction.flush, transaction.run(decoded)) : transaction.runIn(fiber, decoded)
  })
