/**
 * The session (ORM): an identity map, a unit of work and a transaction, as an Effect
 * service. Changes recorded with `add`, `update` and `delete` are written at `flush`
 * (which queries run first) in foreign-key order; `commit` flushes and commits.
 *
 * The session begins its transaction lazily, at its first statement, and holds one
 * connection until commit or rollback. Releasing the session's scope rolls back anything
 * not committed and returns the connection.
 *
 * @since 0.1.0
 */
import { Context, Effect, Equal, ExecutionStrategy, Exit, FiberRef, Layer, Option, type Schedule, Schema, Scope, Stream } from "effect"
import type * as Dialect from "./Dialect.js"
import * as Engine from "./Engine.js"
import {
  type DatabaseError,
  DecodeError,
  isRetryable,
  EncodeError,
  MultipleResultsFound,
  NoResultFound,
  type StaleDataError
} from "./Errors.js"
import * as Expr from "./Expr.js"
import * as Fn from "./Fn.js"
import { encodeValue, rowDecoder } from "./internal/rows.js"
import { ChangeSet } from "./internal/session/ChangeSet.js"
import { IdentityMap, keyOf, modelOf } from "./internal/session/IdentityMap.js"
import { attach, loadFor } from "./internal/loading/Loader.js"
import { fromSource, type RelationDef, toTarget } from "./internal/loading/RelationDef.js"
import * as Persister from "./internal/session/Persister.js"
import type { TableDef } from "./internal/tableDef.js"
import * as Transaction from "./internal/transaction.js"
import * as Query from "./Query.js"
import type * as RelationModule from "./Relation.js"
import * as Table from "./Table.js"

/**
 * Everything a session operation can fail with: a database error, a value that does
 * not encode or decode, or a lost update.
 *
 * @example
 * import type { Session } from "retort"
 * const tagOf = (e: Session.SessionError) => e._tag
 *
 * @since 0.1.0
 * @category errors
 */
export type SessionError = DatabaseError | DecodeError | EncodeError | StaleDataError

/**
 * The primary key of a model: its value, or a record of values for a composite key.
 *
 * @example
 * import type { Session } from "retort"
 * const key: Session.Key = { playlistId: 1, trackId: 2 }
 *
 * @since 0.1.0
 * @category models
 */
export type Key = string | number | bigint | Readonly<Record<string, unknown>>

/**
 * A query of a model in a session: its rows are the session's instances (identity map)
 * and it flushes pending changes before it runs.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Session, Table } from "retort"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), age: Column.integer() }) {}
 * const adults = Effect.flatMap(Session.Session, (s) => s.query(User).where(User.c.age.gte(18)).orderBy(User.c.id).all)
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionQuery<M extends Table.Any, Row = InstanceType<M>> {
  where(...conditions: ReadonlyArray<Expr.Expr<boolean> | Expr.Expr<boolean | null>>): SessionQuery<M, Row>
  /** Equality on fields: `filterBy({ name: "Ann" })`. */
  filterBy(values: { readonly [K in keyof InstanceType<M>]?: InstanceType<M>[K] }): SessionQuery<M, Row>
  orderBy(...terms: ReadonlyArray<Expr.Expr<any> | Expr.Order>): SessionQuery<M, Row>
  limit(n: number): SessionQuery<M, Row>
  offset(n: number): SessionQuery<M, Row>
  /**
   * Loads relations with the rows (selectin: one more query per relation and level, IN
   * lists chunked under the parameter limit): `with({ posts: UserPosts })`.
   */
  with<N extends RelationModule.Relations>(relations: N): SessionQuery<M, Row & RelationModule.Loaded<N>>
  readonly all: Effect.Effect<ReadonlyArray<Row>, SessionError>
  readonly first: Effect.Effect<Option.Option<Row>, SessionError>
  /** Exactly one row, or `NoResultFound` / `MultipleResultsFound`. */
  readonly one: Effect.Effect<Row, SessionError | NoResultFound | MultipleResultsFound>
  readonly count: Effect.Effect<number, SessionError>
  readonly stream: Stream.Stream<Row, SessionError>
}

/**
 * The session service.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Session, Table } from "retort"
 * class User extends Table.Class<User>("User")("users", { id: Column.integer({ primaryKey: true }), name: Column.text() }) {}
 * const program = Effect.gen(function* () {
 *   const session = yield* Session.Session
 *   yield* session.add(User, { name: "Ann" })
 *   yield* session.commit
 * })
 *
 * @since 0.1.0
 * @category models
 */
export interface Session {
  readonly engine: Engine.Engine
  /**
   * Records an insert, written at the next flush; `related` adds rows of one-to-many
   * relations, inserted after it with their foreign key filled in:
   * `add(User, { name: "Ann" }, { posts: UserPosts.drafts([{ title: "Hello" }]) })`.
   */
  add<M extends Table.Any>(
    model: M,
    values: Schema.Schema.Type<M["insert"]>,
    related?: Readonly<Record<string, RelationModule.Drafts>>
  ): Effect.Effect<void, EncodeError>
  addAll<M extends Table.Any>(model: M, rows: ReadonlyArray<Schema.Schema.Type<M["insert"]>>): Effect.Effect<void, EncodeError>
  /** Inserts now (after flushing what is pending) and returns the new instance, with server-filled values. */
  insert<M extends Table.Any>(model: M, values: Schema.Schema.Type<M["insert"]>): Effect.Effect<InstanceType<M>, SessionError>
  /**
   * Records an update of the changed fields and returns the new instance, which replaces
   * the old one in the identity map. The changes are validated now.
   */
  update<E extends object>(entity: E, changes: { readonly [K in keyof E]?: E[K] }): Effect.Effect<E, EncodeError>
  /** Records a delete, written at the next flush, with the related rows of relations that cascade deletes. */
  delete(entity: object): Effect.Effect<void, SessionError>
  /** Makes an instance the session's: returns the instance the identity map already has for its key, or adopts it. */
  merge<E extends object>(entity: E): E
  /** The instance with this primary key: from the identity map, else from the database. */
  get<M extends Table.Any>(model: M, key: Key): Effect.Effect<Option.Option<InstanceType<M>>, SessionError>
  query<M extends Table.Any>(model: M): SessionQuery<M>
  /** Runs a Core statement in the session's transaction, after a flush. */
  execute<Q extends Query.Compilable>(query: Q): Effect.Effect<Query.Result<Q>, SessionError>
  /** Writes pending changes. On failure the session rolls back and stays usable. */
  readonly flush: Effect.Effect<void, SessionError>
  /** Flushes and commits. A failed COMMIT is a typed error; the session is then rolled back. */
  readonly commit: Effect.Effect<void, SessionError>
  /** Rolls back and forgets pending changes and the identity map. */
  readonly rollback: Effect.Effect<void>
  /** Reloads an instance from the database (a new instance, now the session's). */
  refresh<E extends object>(entity: E): Effect.Effect<E, SessionError | NoResultFound>
  /**
   * Runs `effect` in a transaction: the outermost commits (after a flush) on success and
   * rolls back on any failure, defect or interruption; nested calls are savepoints.
   */
  transaction<A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: Engine.TransactionOptions
  ): Effect.Effect<A, E | SessionError, R>
}

/**
 * The session's tag.
 *
 * @example
 * import { Effect } from "effect"
 * import { Session } from "retort"
 * const flush = Effect.flatMap(Session.Session, (s) => s.flush)
 *
 * @since 0.1.0
 * @category tags
 */
export const Session: Context.Tag<Session, Session> = Context.GenericTag<Session>("retort/Session")

/** `SELECT … WHERE pk = ?` per model and dialect, compiled once, with its row decoder. */
const lookups = new WeakMap<Table.Any, Map<string, { readonly sql: string; readonly wide: boolean; readonly decode: (row: Engine.Row) => unknown }>>()
const primaryKeyLookup = (dialect: Dialect.Dialect, model: Table.Any, def: TableDef) => {
  let byDialect = lookups.get(model)
  if (byDialect === undefined) lookups.set(model, byDialect = new Map())
  let lookup = byDialect.get(dialect.name)
  if (lookup === undefined) {
    const sample = Object.fromEntries(def.primaryKey.map((k) => [k, null]))
    lookup = {
      sql: Query.select(model).where(Persister.locate(model, def, sample)).toSql(dialect).sql,
      wide: dialect.values.bigintNeedsSafeIntegers && def.columns.some((c) => c.def.type._tag === "bigint"),
      decode: rowDecoder(dialect, model, def)
    }
    byDialect.set(dialect.name, lookup)
  }
  return lookup
}

/** The relation behind a `Relation` value (its TypeId field). */
const RelationTypeId: symbol = Symbol.for("retort/Relation")

const encodeError = (def: TableDef, message: string) => new EncodeError({ message: `${def.tableName}: ${message}`, table: def.tableName, column: undefined })

const keyValues = (def: TableDef, key: Key): Record<string, unknown> =>
  typeof key === "object" ? { ...key } : { [def.primaryKey[0]!]: key }

/**
 * Makes a session in the current scope. Closing the scope rolls back anything not
 * committed and returns the connection.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Session } from "retort"
 * const program = Effect.scoped(Effect.flatMap(Session.make, (session) => session.commit)).pipe(
 *   Effect.provide(Engine.layer("sqlite://"))
 * )
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Session, never, Engine.Engine | Scope.Scope> = Effect.gen(function*() {
  const engine = yield* Engine.Engine
  const sessionScope = yield* Effect.scope
  const identity = new IdentityMap()
  const changes = new ChangeSet()
  let tx: { readonly handle: Transaction.Handle; readonly scope: Scope.CloseableScope } | undefined
  const lock = yield* Effect.makeSemaphore(1)

  /** Begins the session's transaction on a connection it holds until commit or rollback. */
  const begin = (options?: Engine.TransactionOptions) =>
    lock.withPermits(1)(Effect.suspend(() => {
      if (tx !== undefined) return Effect.succeed(tx.handle.level)
      return Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          const scope = yield* Scope.fork(sessionScope, ExecutionStrategy.sequential)
          const handle = yield* restore(Scope.extend(engine.begin(options), scope)).pipe(
            Effect.onError(() => Scope.close(scope, Exit.void))
          )
          tx = { handle, scope }
          return handle.level
        })
      )
    }))

  /**
   * Runs a read: in the session's transaction once it has begun (or the one in effect);
   * before the session's first write, on a pooled connection in autocommit, which at the
   * default isolation (read committed) sees what a transaction would. So a session that
   * only reads costs one statement per query, and holds no connection between them
   * (SQLite has only one).
   */
  const run = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
    Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient) =>
      ambient !== undefined || tx === undefined ? effect : Effect.locally(effect, engine.currentTransaction, tx.handle.level))

  /** Runs a write: in the transaction in effect, or in the session's, begun now if need be. */
  const runWrite = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
    Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient) =>
      ambient !== undefined ? effect : Effect.flatMap(begin(), (level) => Effect.locally(effect, engine.currentTransaction, level)))

  const forget = () => {
    changes.clear()
    identity.clear()
  }

  /** Ends the session's transaction, if it has one, and returns its connection. */
  const end = <E>(how: (handle: Transaction.Handle) => Effect.Effect<void, E>) =>
    Effect.suspend(() => {
      const current = tx
      tx = undefined
      if (current === undefined) return Effect.void
      return Effect.ensuring(how(current.handle), Scope.close(current.scope, Exit.void))
    }).pipe(Effect.uninterruptible)

  const rollback: Effect.Effect<void> = Effect.suspend(() => {
    forget()
    return end((handle) => handle.rollback)
  })

  const flush: Effect.Effect<void, SessionError> = Effect.suspend(() =>
    changes.isEmpty
      ? Effect.void
      : runWrite(Persister.flush(changes, identity)).pipe(
        // A failed flush leaves the transaction unusable on PostgreSQL: roll back, stay usable.
        Effect.tapErrorCause(() => Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient) => (ambient === undefined || ambient.depth === 0 ? rollback : Effect.void)))
      )
  ).pipe(Effect.provideService(Engine.Engine, engine))

  const commit: Effect.Effect<void, SessionError> = Effect.zipRight(
    flush,
    Effect.suspend(() => {
      identity.clear()
      return end((handle) => handle.commit)
    })
  )

  const withEngine = <A, E>(effect: Effect.Effect<A, E, Engine.Engine>) => Effect.provideService(effect, Engine.Engine, engine)

  const execute = <Q extends Query.Compilable>(query: Q): Effect.Effect<Query.Result<Q>, SessionError> => {
    const writes = query.node._tag !== "Select" && query.node._tag !== "Compound"
    return Effect.zipRight(flush, (writes ? runWrite : run)(withEngine(Query.execute(query))))
  }

  const remember = <M extends Table.Any>(def: TableDef, rows: ReadonlyArray<InstanceType<M>>) =>
    rows.map((row) => identity.merge(def, row as object) as InstanceType<M>)

  interface QueryState {
    readonly where: ReadonlyArray<Expr.Expr<boolean> | Expr.Expr<boolean | null>>
    readonly orderBy: ReadonlyArray<Expr.Expr<any> | Expr.Order>
    readonly limit: number | undefined
    readonly offset: number | undefined
    readonly relations: Readonly<Record<string, RelationDef>>
  }

  const makeQuery = <M extends Table.Any>(model: M, state: QueryState): SessionQuery<M, any> => {
    const def = Table.definition(model)
    const next = (changes: Partial<QueryState>) => makeQuery(model, { ...state, ...changes })
    const select = (limit: number | undefined) => {
      let q = Query.select(model).where(...state.where).orderBy(...state.orderBy)
      if (limit !== undefined) q = q.limit(limit)
      if (state.offset !== undefined) q = q.offset(state.offset)
      return q
    }
    const rows = (limit: number | undefined) =>
      Effect.flatMap(
        Effect.map(execute(select(limit)), (found) => remember<M>(def, found as ReadonlyArray<InstanceType<M>>)),
        (found): Effect.Effect<ReadonlyArray<any>, SessionError> =>
          Object.keys(state.relations).length === 0 ? Effect.succeed(found) : attach(state.relations, session, found)
      )
    const all = rows(state.limit)
    return {
      where: (...conditions) => next({ where: [...state.where, ...conditions] }),
      filterBy: (values) =>
        next({
          where: [
            ...state.where,
            ...Object.entries(values).map(([k, v]) => (v === null ? model.c[k]!.isNull() : model.c[k]!.eq(v as never)))
          ]
        }),
      orderBy: (...terms) => next({ orderBy: [...state.orderBy, ...terms] }),
      limit: (n) => next({ limit: n }),
      offset: (n) => next({ offset: n }),
      with: (relations) =>
        next({
          relations: {
            ...state.relations,
            ...Object.fromEntries(Object.entries(relations).map(([k, r]) => [k, (r as unknown as Record<symbol, RelationDef>)[RelationTypeId]!]))
          }
        }) as any,
      all,
      first: Effect.map(rows(1), (found) => Option.fromNullable(found[0])),
      one: Effect.flatMap(
        rows(state.limit === undefined ? 2 : Math.min(state.limit, 2)),
        (found): Effect.Effect<InstanceType<M>, NoResultFound | MultipleResultsFound> =>
          found.length === 1
            ? Effect.succeed(found[0]!)
            : found.length === 0
            ? Effect.fail(new NoResultFound({ message: `No ${def.identifier} matched the query`, table: def.tableName }))
            : Effect.fail(new MultipleResultsFound({ message: `More than one ${def.identifier} matched the query`, table: def.tableName }))
      ),
      count: Effect.map(execute(Query.select({ n: Fn.count() }).from(model).where(...state.where)), (found) => found[0]!.n),
      // Rows decoded as they arrive (bounded memory), merged into the identity map. Pending
      // changes are flushed first. With relations the rows are read first: loading them needs
      // statements of its own, which cannot run on a connection whose result is still being read.
      stream: Object.keys(state.relations).length > 0 ? Stream.flatMap(Stream.fromEffect(all), Stream.fromIterable) : Stream.unwrap(Effect.gen(function*() {
        yield* flush
        const ambient = yield* FiberRef.get(engine.currentTransaction)
        const rows: Stream.Stream<InstanceType<M>, SessionError, never> = Stream.map(
          Query.stream(select(state.limit)).pipe(Stream.provideService(Engine.Engine, engine)),
          // An instance the session already holds is returned as is; new rows are not kept, so
          // that memory stays bounded (SQLAlchemy's yield_per does the same with a weak map).
          (row) => {
            if (def.primaryKey.length === 0) return row as InstanceType<M>
            return (identity.get(keyOf(def, row as Record<string, unknown>)) ?? row) as InstanceType<M>
          }
        )
        const level = ambient ?? tx?.handle.level
        return level === undefined ? rows : Stream.provideService(rows, Transaction.StreamLevel, { ref: engine.currentTransaction, level })
      }))
    }
  }

  const noFilter: QueryState = { where: [], orderBy: [], limit: undefined, offset: undefined, relations: {} }

  const session: Session = {
    engine,
    add: (model, values, related) =>
      Effect.suspend(() => {
        const def = Table.definition(model)
        const children = Object.values(related ?? {}).map((d) => ({ relation: d.relation, rows: d.rows }))
        return Effect.map(Persister.validate(model, def, values), (valid) => {
          changes.inserts.push({ model, def, values: valid, children })
        })
      }),
    addAll: (model, rows) => Effect.forEach(rows, (row) => session.add(model, row), { discard: true }),
    insert: (model, values) =>
      Effect.gen(function*() {
        const def = Table.definition(model)
        const [created] = yield* execute(Query.insert(model).values(values).returning(model))
        return identity.merge(def, created as object) as InstanceType<typeof model>
      }),
    update: (entity, updates) =>
      Effect.suspend(() => {
        const model = modelOf(entity)
        const def = Table.definition(model)
        const checked = Schema.validateEither(model.update)(updates)
        if (checked._tag === "Left") return Effect.fail(encodeError(def, `invalid update: ${checked.left.message}`))
        let next: typeof entity
        try {
          next = new model({ ...entity, ...updates }) as typeof entity
        } catch (e) {
          return Effect.fail(encodeError(def, `invalid update: ${e instanceof Error ? e.message : String(e)}`))
        }
        const before = entity as Record<string, unknown>
        const after = next as Record<string, unknown>
        const changed = Object.keys(updates).filter((k) => !Equal.equals(before[k], after[k]))
        if (changed.some((k) => def.primaryKey.includes(k))) return Effect.fail(encodeError(def, "the primary key of an instance cannot change"))
        if (changed.length === 0) return Effect.succeed(entity)
        const key = keyOf(def, before)
        // A row whose foreign key is cleared under a delete-orphan relation is deleted instead.
        const orphaned = toTarget(model).some((r) =>
          r.cascade.deleteOrphan && r.through === undefined && changed.includes(r.targetKey.key) && after[r.targetKey.key] === null
        )
        if (orphaned) {
          const pendingUpdate = changes.updates.get(key)
          changes.updates.delete(key)
          changes.deletes.set(key, { model, def, entity: pendingUpdate?.original ?? before })
          identity.remove(key)
          return Effect.succeed(next)
        }
        const pending = changes.updates.get(key)
        const merged = { ...(pending?.changes ?? {}), ...Object.fromEntries(changed.map((k) => [k, after[k]])) }
        changes.updates.set(key, { model, def, original: pending?.original ?? before, changes: merged })
        identity.replace(def, next as object)
        return Effect.succeed(next)
      }),
    delete: (entity) =>
      Effect.gen(function*() {
        const model = modelOf(entity)
        const def = Table.definition(model)
        // Cascading relations first: their rows are deleted too (children before parents at flush).
        for (const relation of fromSource(model)) {
          if (!relation.cascade.delete) continue
          const related = yield* loadFor(relation, session, [(entity as Record<string, unknown>)[relation.sourceKey.key]])
          for (const child of [...related.values()].flat()) yield* session.delete(child)
        }
        const key = keyOf(def, entity as Record<string, unknown>)
        const pending = changes.updates.get(key)
        changes.updates.delete(key)
        changes.deletes.set(key, { model, def, entity: pending?.original ?? (entity as Record<string, unknown>) })
        identity.remove(key)
      }),
    merge: (entity) => {
      const def = Table.definition(modelOf(entity))
      return identity.merge(def, entity)
    },
    get: (model, key) =>
      Effect.suspend(() => {
        const def = Table.definition(model)
        const values = keyValues(def, key)
        const identityKey = keyOf(def, values)
        if (changes.deletes.has(identityKey)) return Effect.succeed(Option.none())
        const known = identity.get(identityKey)
        if (known !== undefined) return Effect.succeed(Option.some(known as InstanceType<typeof model>))
        // The hot path: SQL compiled once per model and dialect, values encoded, one statement.
        const lookup = primaryKeyLookup(engine.dialect, model, def)
        const params = def.primaryKey.map((k) => encodeValue(engine.dialect, def, def.byKey.get(k)!, values[k]))
        const statement = lookup.wide
          ? engine.execute(lookup.sql, params, { safeIntegers: true })
          : engine.execute(lookup.sql, params)
        return Effect.zipRight(
          flush,
          run(Effect.flatMap(statement, (rows) =>
            Effect.suspend(() => {
              if (rows.length === 0) return Effect.succeed(Option.none())
              try {
                return Effect.succeed(Option.some(identity.merge(def, lookup.decode(rows[0]!) as object) as InstanceType<typeof model>))
              } catch (e) {
                if (e instanceof DecodeError) return Effect.fail(e)
                throw e
              }
            })))
        )
      }),
    query: (model) => makeQuery(model, noFilter),
    execute,
    flush,
    commit,
    rollback,
    refresh: (entity) =>
      Effect.gen(function*() {
        const model = modelOf(entity)
        const def = Table.definition(model)
        const rows = yield* execute(Query.select(model).where(Persister.locate(model, def, entity as Record<string, unknown>)))
        if (rows.length === 0) return yield* new NoResultFound({ message: `${def.identifier} no longer exists`, table: def.tableName })
        identity.replace(def, rows[0] as object)
        return rows[0] as typeof entity
      }),
    transaction: (effect, options) =>
      Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient) => {
        if (ambient === undefined && tx === undefined) {
          // The outermost transaction: begin with the options, commit or roll back, retry as asked.
          const once = Effect.uninterruptibleMask((restore) =>
            Effect.gen(function*() {
              const level = yield* begin(options)
              const exit = yield* Effect.exit(restore(Effect.locally(Effect.zipLeft(effect, flush), engine.currentTransaction, level)))
              if (Exit.isFailure(exit)) {
                yield* rollback
                return yield* exit
              }
              yield* Effect.onError(commit, () => rollback)
              return exit.value
            })
          )
          return options?.retry === undefined
            ? once
            : Effect.retry(once, { schedule: options.retry as Schedule.Schedule<unknown, unknown>, while: isRetryable })
        }
        // Nested: a savepoint. Pending changes are written first, so the savepoint holds exactly
        // what the block does; if it fails, its changes and the instances it loaded are forgotten.
        return Effect.gen(function*() {
          yield* flush
          // A savepoint needs the session's transaction: begin it now if need be.
          const exit = yield* Effect.exit(runWrite(engine.transaction(Effect.zipLeft(effect, flush))))
          if (Exit.isFailure(exit)) forget()
          return yield* exit
        })
      })
  }
  return session
})

/**
 * A layer providing one `Session` per build (a sessionmaker): on release, anything not
 * committed is rolled back and the connection returned. Requires an `Engine`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Session } from "retort"
 * const program = Effect.flatMap(Session.Session, (s) => s.commit).pipe(
 *   Effect.provide(Session.layer),
 *   Effect.provide(Engine.layer("sqlite://"))
 * )
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Session, never, Engine.Engine> = Layer.scoped(Session, make)

/**
 * Runs `effect` in a transaction of the session in context (see `Session.transaction`).
 *
 * @example
 * import { Effect, Schedule } from "effect"
 * import { Column, Session, Table } from "retort"
 * class Account extends Table.Class<Account>("Account")("accounts", { id: Column.integer({ primaryKey: true }), balance: Column.integer() }) {}
 * const deposit = (id: number, amount: number) =>
 *   Session.transaction(
 *     Effect.gen(function* () {
 *       const session = yield* Session.Session
 *       const account = yield* session.query(Account).filterBy({ id }).one
 *       yield* session.update(account, { balance: account.balance + amount })
 *     }),
 *     { isolation: "serializable", retry: Schedule.recurs(5) }
 *   )
 *
 * @since 0.1.0
 * @category transactions
 */
export const transaction = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options?: Engine.TransactionOptions
): Effect.Effect<A, E | SessionError, R | Session> => Effect.flatMap(Session, (session) => session.transaction(effect, options))
