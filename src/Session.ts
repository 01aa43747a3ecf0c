/**
 * The session (ORM): an identity map, a unit of work and a transaction, as an Effect
 * service. Changes recorded with `add`, `update` and `delete` are written at `flush`
 * (which queries run first) in foreign-key order; `commit` flushes and commits.
 *
 * The session begins its transaction lazily, at its first statement, and holds one
 * connection until commit or rollback. Releasing the session's scope rolls back anything
 * not committed and returns the connection; when the scope closes on success with changes
 * never flushed (a forgotten `yield* session.commit`), it logs a warning naming them.
 *
 * @module
 * @since 0.1.0
 */
import { Cause, Context, Effect, Exit, Layer, type Option, RuntimeFlags, type Schema, Scope, type Stream } from "effect"
import * as Engine from "./Engine.js"
import * as Events from "./Events.js"
import type { CircularDependencyError, DatabaseError, DecodeError, EncodeError, HookFailed, MultipleResultsFound, StaleDataError } from "./Errors.js"
import { NoResultFound } from "./Errors.js"
import type * as Expr from "./Expr.js"
import * as Query from "./Query.js"
import type * as RelationModule from "./Relation.js"
import { SessionObject } from "./internal/session/SessionObject.js"
import * as Table from "./Table.js"

/**
 * Everything a session operation can fail with: a database error, a value that does
 * not encode or decode, a lost update, rows whose foreign keys form a cycle that no
 * nullable key can break, or a hook registered with `Events` that failed (`HookFailed`).
 *
 * @example
 * import type { Session } from "retort-orm"
 * const tagOf = (e: Session.SessionError) => e._tag
 *
 * @since 0.1.0
 * @category errors
 */
export type SessionError = DatabaseError | DecodeError | EncodeError | StaleDataError | CircularDependencyError | HookFailed

/**
 * The primary key of a model: its value, or a record of values for a composite key.
 *
 * @example
 * import type { Session } from "retort-orm"
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
 * import { Column, Session, Table } from "retort-orm"
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
   * Loads relations with the rows: `with({ posts: UserPosts })`. Selectin by default (one
   * more query per relation and level, IN lists chunked under the parameter limit), or as
   * each relation's definition says; `{ strategy: "joined" }` loads them, and the levels
   * nested under them that choose no strategy, in this query's statement (LEFT JOINs,
   * parents de-duplicated; `limit` and `offset` still count parents).
   */
  with<N extends RelationModule.Relations>(relations: N, options?: RelationModule.WithOptions): SessionQuery<M, Row & RelationModule.Loaded<N>>
  readonly all: Effect.Effect<ReadonlyArray<Row>, SessionError>
  readonly first: Effect.Effect<Option.Option<Row>, SessionError>
  /** Exactly one row, or `NoResultFound` / `MultipleResultsFound`. */
  readonly one: Effect.Effect<Row, SessionError | NoResultFound | MultipleResultsFound>
  readonly count: Effect.Effect<number, SessionError>
  readonly stream: Stream.Stream<Row, SessionError>
  /**
   * Locks the rows read until the session's transaction ends (`FOR UPDATE`; the query
   * begins the transaction if need be). Options as `Query.Select.forUpdate`; refused on SQLite.
   */
  forUpdate(options?: Query.LockOptions): SessionQuery<M, Row>
  /** A shared row lock (`FOR SHARE`); as `forUpdate`. */
  forShare(options?: Query.LockOptions): SessionQuery<M, Row>
}

/**
 * The session service.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Session, Table } from "retort-orm"
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
   * Records an insert, written at the next flush; `related` adds related rows, written in
   * the same flush in foreign-key order (see `Relation.Drafts`): one-to-many rows after
   * it with their foreign key filled in, `add(User, { name: "Ann" }, { posts:
   * UserPosts.drafts([{ title: "Hello" }]) })`; a many-to-one row before it, filling its
   * foreign key, which `values` then leaves out, `add(Post, { title: "Hi" }, { author:
   * PostAuthor.drafts([{ name: "Eve" }]) })`; many-to-many rows and their association rows.
   */
  add<M extends Table.Any>(
    model: M,
    values: Schema.Schema.Type<M["insert"]>,
    related?: Readonly<Record<string, RelationModule.Drafts>>
  ): Effect.Effect<void, EncodeError>
  /** With many-to-one drafts: `values` without the foreign key they fill (checked at run time). */
  add<M extends Table.Any>(
    model: M,
    values: Partial<Schema.Schema.Type<M["insert"]>>,
    related: Readonly<Record<string, RelationModule.Drafts>>
  ): Effect.Effect<void, EncodeError>
  /** `add` of each row; every row is validated before any is recorded, so one bad row adds none. */
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
  /** `Query.scalar` in the session: the first row's only column, or `null`, after a flush. */
  scalar<Q extends Query.Select<any, any, any> | Query.Compound<any, any>>(query: Q & Query.OneColumn<Q>): Effect.Effect<Query.ScalarOf<Q>, SessionError>
  /** `Query.exists` in the session: whether the query has a row, after a flush. */
  exists(query: Query.Select<any, any, any> | Query.Compound<any, any>): Effect.Effect<boolean, SessionError>
  /**
   * `Query.watch` on the session's engine: the result now and after every commit that wrote
   * a table the query reads. It reads committed data only, never the session's pending or
   * uncommitted changes, and its rows are not the session's instances.
   */
  watch<Row>(query: Query.Select<Row, any, any> | Query.Compound<Row, any>): Stream.Stream<ReadonlyArray<Row>, SessionError>
  /**
   * Writes pending changes: those of the current transaction level (inside a
   * `transaction` block, the block's own). Rows whose foreign keys form a cycle are
   * written by inserting a nullable key NULL and updating it after. Outside a block, a
   * failure rolls the session back and it stays usable.
   */
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
   *
   * Changes belong to the block whose fibers recorded them: a failed nested block's
   * inserts, updates and deletes are dropped and the instances it loaded or changed are
   * evicted from the identity map; a succeeded one's writes become its parent's; the
   * parent's own changes survive a child's failure. Concurrent sibling blocks run one at
   * a time (each waits for the savepoint before it to end); outermost blocks of one
   * session run one after the other.
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
 * import { Session } from "retort-orm"
 * const flush = Effect.flatMap(Session.Session, (s) => s.flush)
 *
 * @since 0.1.0
 * @category tags
 */
export const Session: Context.Tag<Session, Session> = Context.GenericTag<Session>("retort/Session")

/**
 * Makes a session in the current scope. Closing the scope rolls back anything not
 * committed and returns the connection.
 *
 * The session is assembled from collaborators under `internal/session/`: the unit of
 * work of each transaction level (`UnitOfWork`), the transaction it holds and its blocks
 * (`SessionTransaction`), its reads (`SessionQuery`), the identity map and the persister.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Session } from "retort-orm"
 * const program = Effect.scoped(Effect.flatMap(Session.make, (session) => session.commit)).pipe(
 *   Effect.provide(Engine.layer("sqlite://"))
 * )
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Session, never, Engine.Engine | Scope.Scope> = Effect.contextWith((context) => {
  const scope = Context.get(context, Scope.Scope)
  return build(Context.get(context, Engine.Engine), () => scope, Context.get(context, Events.Events))
})

/**
 * Options of a session. `lazyLoad` says what `relation.load` does for a relation that was
 * not loaded with the query: `"batch"` (the default) loads it in one query for every
 * instance of the query's result; `"raise"` refuses with `LazyLoadRefused`, to find the
 * loads that should have been eager (`.with({ … })`). Eagerly loaded relations are served
 * either way, without a query.
 *
 * @example
 * import type { Session } from "retort-orm"
 * const strict: Session.Options = { lazyLoad: "raise" }
 *
 * @since 0.3.0
 * @category models
 */
export interface Options {
  readonly lazyLoad?: "batch" | "raise"
  /**
   * A tenant's schema: every transaction of the session (reads included, which then run in
   * it) is in this schema (`Engine.TransactionOptions.schema`).
   */
  readonly schema?: string | undefined
  /** Transaction-local settings of every transaction of the session (row-level security). */
  readonly settings?: Readonly<Record<string, string>> | undefined
}

/**
 * `make` with options.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Session } from "retort-orm"
 * const program = Effect.scoped(Effect.flatMap(Session.makeWith({ lazyLoad: "raise" }), (session) => session.commit)).pipe(
 *   Effect.provide(Engine.layer("sqlite://"))
 * )
 *
 * @since 0.3.0
 * @category constructors
 */
export const makeWith = (options: Options): Effect.Effect<Session, never, Engine.Engine | Scope.Scope> =>
  Effect.contextWith((context) => {
    const scope = Context.get(context, Scope.Scope)
    return build(Context.get(context, Engine.Engine), () => scope, Context.get(context, Events.Events), options)
  })

/**
 * Runs `f` with a fresh session, then ends it as closing `make`'s scope would: anything
 * not committed is rolled back and the connection returned, whether `f` succeeds, fails
 * or is interrupted. The same as `Effect.scoped(Effect.flatMap(Session.make, f))` without
 * a `Scope` (a session that never writes has none), which makes it the cheaper way to run
 * a short unit of work, such as one lookup per request.
 *
 * @example
 * import { Effect } from "effect"
 * import { Column, Engine, Session, Table } from "retort-orm"
 * class Note extends Table.Class<Note>("Note")("notes", { id: Column.integer({ primaryKey: true }), body: Column.text() }) {}
 * const note = (id: number) => Session.use((session) => session.get(Note, id))
 * const program = note(1).pipe(Effect.provide(Engine.layer("sqlite://")))
 *
 * @since 0.2.0
 * @category constructors
 */
export const use = <A, E, R>(
  f: (session: Session) => Effect.Effect<A, E, R>,
  options?: Options
): Effect.Effect<A, E, R | Engine.Engine> =>
  Effect.withFiberRuntime((fiber, status) => {
    const context = fiber.currentContext as Context.Context<Engine.Engine>
    let scope: Scope.CloseableScope | undefined
    const session = build(Context.get(context, Engine.Engine), () => (scope ??= Effect.runSync(Scope.make())), Context.get(context, Events.Events), options)
    // Effect.onExit's steps without its Exit and zipRight per run: a session made per lookup
    // pays for this frame each time, and most never make a scope to close. The handlers run
    // uninterruptibly, `f` as interruptible as the caller: what `uninterruptibleMask` and its
    // `restore` do, without the mask's own step (the fiber's status says which it is).
    const interruptible = RuntimeFlags.interruptible(status.runtimeFlags)
    const body = f(session)
    const framed = Effect.matchCauseEffect(interruptible ? Effect.interruptible(body) : body, {
      onFailure: (cause) =>
        scope === undefined ? Effect.failCause(cause) : Effect.matchCauseEffect(Scope.close(scope, Exit.failCause(cause)), {
          onFailure: (closing) => Effect.failCause(Cause.sequential(cause, closing)),
          onSuccess: () => Effect.failCause(cause)
        }),
      onSuccess: (a) => (scope === undefined ? Effect.succeed(a) : Effect.as(Scope.close(scope, Exit.succeed(a)), a))
    })
    return interruptible ? Effect.uninterruptible(framed) : framed
  })

// Synchronous: a session is made per request, often per lookup, so making one runs no Effect.
// `events`: the hooks registered (`Events.layer`) where the session is made.
const build = (engine: Engine.Engine, scope: () => Scope.Scope, events: Events.Registry, options?: Options): Session =>
  new SessionObject(engine, scope, events, options)

/**
 * A layer providing one `Session` per build (a sessionmaker): on release, anything not
 * committed is rolled back and the connection returned. Requires an `Engine`.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Session } from "retort-orm"
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
 * `layer` with options: `Session.layerWith({ lazyLoad: "raise" })` in tests finds the
 * relations a program loads lazily, one by one, that it should load with its queries.
 *
 * @example
 * import { Effect } from "effect"
 * import { Engine, Session } from "retort-orm"
 * const program = Effect.flatMap(Session.Session, (s) => s.commit).pipe(
 *   Effect.provide(Session.layerWith({ lazyLoad: "raise" })),
 *   Effect.provide(Engine.layer("sqlite://"))
 * )
 *
 * @since 0.3.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<Session, never, Engine.Engine> => Layer.scoped(Session, makeWith(options))

/**
 * Runs `effect` in a transaction of the session in context (see `Session.transaction`).
 * Nested, it is a savepoint that owns the changes recorded inside it: below, the failed
 * child's row is never written, the other child's and the outer block's are committed.
 *
 * @example
 * import { Data, Effect } from "effect"
 * import { Column, Session, Table } from "retort-orm"
 * class Note extends Table.Class<Note>("Note")("notes", { id: Column.integer({ primaryKey: true }), body: Column.text() }) {}
 * class Refused extends Data.TaggedError("Refused") {}
 * const program = Effect.gen(function* () {
 *   const session = yield* Session.Session
 *   yield* Session.transaction(Effect.gen(function* () {
 *     yield* session.add(Note, { body: "outer" })
 *     yield* Effect.all([
 *       Session.transaction(Effect.zipRight(session.add(Note, { body: "dropped" }), new Refused())).pipe(Effect.either),
 *       Session.transaction(session.add(Note, { body: "kept" }))
 *     ], { concurrency: "unbounded" })
 *   }))
 * })
 *
 * @example
 * import { Effect, Schedule } from "effect"
 * import { Column, Session, Table } from "retort-orm"
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
