/**
 * The session's transaction: the connection the session holds from its first write
 * until commit or rollback, the transaction level each fiber records into, flushing a
 * level, and `Session.transaction` blocks. Built once per session by `src/Session.ts`;
 * reaches the database through the engine (`begin`, `transaction`, `currentTransaction`,
 * implemented in `src/internal/transaction.ts`) and writes through `Persister.ts`.
 *
 * Concurrent work inside one session follows one rule: changes belong to the block whose
 * fibers recorded them (`UnitOfWork.ts`), and each level's changes are written at that
 * level. A nested block first writes what its parent level has pending (at the parent's
 * level), then opens its savepoint; sibling blocks' savepoints run one at a time (the
 * engine holds the parent level for the whole block), while the parent's other fibers
 * keep recording, and their statements wait for the open child to end. Outermost blocks
 * of one session, each being the session's transaction, run one after the other.
 */
import { Effect, ExecutionStrategy, Exit, Fiber, FiberRef, Option, type Schedule, Scope } from "effect"
import * as Engine from "../../Engine.js"
import { type DatabaseError, isRetryable } from "../../Errors.js"
import * as Events from "../../Events.js"
import type { SessionError } from "../../Session.js"
import { parentSpan } from "../telemetry.js"
import type * as Transaction from "../transaction.js"
import * as Table from "../../Table.js"
import { type IdentityMap, keyOf } from "./IdentityMap.js"
import * as Persister from "./Persister.js"
import { UnitOfWork } from "./UnitOfWork.js"
import { warnIfUnwritten } from "./Unflushed.js"

export interface SessionTransaction {
  /** The level the current fiber records into. */
  readonly unit: Effect.Effect<UnitOfWork>
  /**
   * `unit`, for a change about to be recorded (`add`, `update`, `delete`): the first one
   * makes the session's scope warn, when it closes on success, of changes never flushed.
   */
  readonly recording: Effect.Effect<UnitOfWork>
  /** The same, for synchronous callers (`session.merge`): the root outside any fiber. */
  readonly unitNow: () => UnitOfWork
  /** `unit` as the given fiber sees it, read without an Effect (the row-by-row insert path). */
  readonly unitIn: (fiber: Fiber.RuntimeFiber<unknown, unknown>) => UnitOfWork
  /** `run` as seen from the given fiber: no Effect to read the transaction in effect. */
  readonly runIn: <A, E, R>(fiber: Fiber.RuntimeFiber<unknown, unknown>, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DatabaseError, R>
  /** `runIn` would run a read as it is, where it stands: the synchronous lookup may run it now. */
  readonly readsAsIs: (fiber: Fiber.RuntimeFiber<unknown, unknown>) => boolean
  /** `runWrite` as seen from the given fiber: no Effect to read the transaction in effect. */
  readonly runWriteIn: <A, E, R>(fiber: Fiber.RuntimeFiber<unknown, unknown>, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DatabaseError, R>
  /**
   * Runs a read: in the session's transaction once it has begun (or the one in effect);
   * before the session's first write, on a pooled connection in autocommit, which at the
   * default isolation (read committed) sees what a transaction would. So a session that
   * only reads costs one statement per query, and holds no connection between them
   * (SQLite has only one).
   */
  readonly run: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DatabaseError, R>
  /** The transaction level reads run at now: the one in effect, or the session's, if begun. */
  readonly readLevel: Effect.Effect<Transaction.Level | undefined, DatabaseError>
  /** Runs a write: in the transaction in effect, or in the session's, begun now if need be. */
  readonly runWrite: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DatabaseError, R>
  /** Writes the current level's pending changes, at that level. */
  readonly flush: Effect.Effect<void, SessionError>
  /** Flushes the current level, then COMMIT; the identity map is emptied. */
  readonly commit: Effect.Effect<void, SessionError>
  /** ROLLBACK; every level's pending changes and the identity map are forgotten. */
  readonly rollback: Effect.Effect<void>
  readonly transaction: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: Engine.TransactionOptions
  ) => Effect.Effect<A, E | SessionError, R>
  /** The instance the current level holds for a primary key, unless it deletes it (lazy loads' identity-map source). */
  readonly known: (model: Table.Any, key: Readonly<Record<string, unknown>>) => object | undefined
}

/**
 * Synchronous and allocation-light: a session is made per request (often per lookup), so
 * building one makes a single object. Its methods live on the prototype, its locks and
 * Effects are made on first use, and nothing here runs an Effect.
 *
 * `sessionScope` is asked for only when the session begins its transaction: `Session.use`
 * makes one then, so that a session that never writes has no scope at all.
 */
export const build = (
  engine: Engine.Engine,
  identity: IdentityMap,
  sessionScope: () => Scope.Scope,
  events: Events.Registry = Events.empty,
  tenant?: Engine.TransactionOptions
): SessionTransaction => new Parts(engine, identity, sessionScope, events, tenant)

// A class, not closures over `build`'s variables: a closure per member was about 1.9 KB of
// garbage per session (bench/README.md, stop 32). Constructed, not an object literal: V8 may
// pretenure a literal's allocation site, and a pretenured object holding a session's state
// keeps it alive through every young GC. Callers call its members as methods.
class Parts implements SessionTransaction {
  private readonly root: UnitOfWork
  // Per session, so that two sessions used by one fiber never share a level.
  // Made on the first nested block: until then every fiber records into the root, and a
  // session that never nests (most of them) never pays for a FiberRef.
  private current: FiberRef.FiberRef<UnitOfWork> | undefined = undefined
  /** Levels of blocks under way: the session's rollback empties them too. */
  private open: Set<UnitOfWork> | undefined = undefined
  private tx: { readonly handle: Transaction.Handle; readonly scope: Scope.CloseableScope } | undefined = undefined
  private beginLock: Effect.Semaphore | undefined = undefined
  private outermostLock: Effect.Semaphore | undefined = undefined
  /** True while an outermost block runs: a failed flush inside it is left to the block to roll back. */
  private inOutermost = false
  // One finalizer per session, added on its first change: a session that only reads adds none.
  private watched = false
  /** A flush wrote rows into the session's transaction since it began: a close without COMMIT loses them. */
  private flushedUncommitted = false
  // The Effects below are built on first use, once: a session made for one lookup uses none.
  private unitEffect: Effect.Effect<UnitOfWork> | undefined = undefined
  private recordingEffect: Effect.Effect<UnitOfWork> | undefined = undefined
  private rollbackEffect: Effect.Effect<void> | undefined = undefined
  private flushEffect: Effect.Effect<void, SessionError> | undefined = undefined
  private commitEffect: Effect.Effect<void, SessionError> | undefined = undefined
  private readLevelEffect: Effect.Effect<Transaction.Level | undefined, DatabaseError> | undefined = undefined

  constructor(
    private readonly engine: Engine.Engine,
    private readonly identity: IdentityMap,
    private readonly sessionScope: () => Scope.Scope,
    private readonly events: Events.Registry,
    private readonly tenant: Engine.TransactionOptions | undefined
  ) {
    this.root = new UnitOfWork(identity, undefined)
  }

  get unit(): Effect.Effect<UnitOfWork> {
    return this.unitEffect ??= Effect.suspend(() =>
      this.current === undefined ? Effect.succeed(this.root.recorder) : Effect.map(FiberRef.get(this.current), (u) => u.recorder)
    )
  }

  get recording(): Effect.Effect<UnitOfWork> {
    return this.recordingEffect ??= Effect.suspend(() => {
      if (this.watched) return this.unit
      this.watched = true
      const warn = warnIfUnwritten(this.root.changes, () => this.tx !== undefined && this.flushedUncommitted)
      return Effect.zipRight(Scope.addFinalizerExit(this.sessionScope(), warn), this.unit)
    })
  }

  unitNow(): UnitOfWork {
    const current = this.current
    return current === undefined
      ? this.root.recorder
      : Option.match(Fiber.getCurrentFiber(), { onNone: () => this.root, onSome: (fiber) => fiber.getFiberRef(current).recorder })
  }

  known(model: Table.Any, key: Readonly<Record<string, unknown>>): object | undefined {
    const unit = this.unitNow()
    const def = Table.definition(model)
    return unit.hides(keyOf(def, key)) ? undefined : unit.identity.get(def, key)
  }

  unitIn(fiber: Fiber.RuntimeFiber<unknown, unknown>): UnitOfWork {
    return this.current === undefined ? this.root.recorder : fiber.getFiberRef(this.current).recorder
  }

  /** Begins the session's transaction on a connection it holds until commit or rollback. */
  private begin(options?: Engine.TransactionOptions): Effect.Effect<Transaction.Level, DatabaseError> {
    return (this.beginLock ??= Effect.unsafeMakeSemaphore(1)).withPermits(1)(Effect.suspend(() => {
      if (this.tx !== undefined) return Effect.succeed(this.tx.handle.level)
      const { engine, tenant } = this
      return Effect.uninterruptibleMask((restore) =>
        Effect.gen(this, function*() {
          const scope = yield* Scope.fork(this.sessionScope(), ExecutionStrategy.sequential)
          const handle = yield* restore(Scope.extend(engine.begin(tenant === undefined ? options : { ...tenant, ...options }), scope)).pipe(
            Effect.onError(() => Scope.close(scope, Exit.void))
          )
          this.tx = { handle, scope }
          return handle.level
        })
      )
    }))
  }

  // A tenant's session reads in its transaction too: the schema and settings are the transaction's.
  run<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> {
    if (this.tenant !== undefined) return this.runWrite(effect)
    return Effect.flatMap(FiberRef.get(this.engine.currentTransaction), (ambient) =>
      ambient !== undefined || this.tx === undefined ? effect : Effect.locally(effect, this.engine.currentTransaction, this.tx.handle.level))
  }

  runWrite<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> {
    return Effect.withFiberRuntime((fiber) => this.runWriteIn(fiber, effect))
  }

  // A read runs as it is where the transaction in effect is the one it should run in.
  readsAsIs(fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean {
    return this.tenant === undefined && (this.tx === undefined || fiber.getFiberRef(this.engine.currentTransaction) !== undefined)
  }

  runIn<A, E, R>(fiber: Fiber.RuntimeFiber<unknown, unknown>, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> {
    return this.readsAsIs(fiber)
      ? effect
      : this.tenant !== undefined
      ? this.runWrite(effect)
      : Effect.locally(effect, this.engine.currentTransaction, this.tx!.handle.level)
  }

  runWriteIn<A, E, R>(fiber: Fiber.RuntimeFiber<unknown, unknown>, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> {
    const currentTransaction = this.engine.currentTransaction
    return fiber.getFiberRef(currentTransaction) !== undefined
      ? effect
      : this.tx !== undefined
      // Already begun: no lock to take (the hot path of a session that writes row by row).
      ? Effect.locally(effect, currentTransaction, this.tx.handle.level)
      : Effect.flatMap(this.begin(), (level) => Effect.locally(effect, currentTransaction, level))
  }

  /** Ends the session's transaction, if it has one, and returns its connection. */
  private end<E>(how: (handle: Transaction.Handle) => Effect.Effect<void, E>): Effect.Effect<void, E> {
    return Effect.suspend(() => {
      const ending = this.tx
      this.tx = undefined
      this.flushedUncommitted = false
      if (ending === undefined) return Effect.void
      return Effect.ensuring(how(ending.handle), Scope.close(ending.scope, Exit.void))
    }).pipe(Effect.uninterruptible)
  }

  private forget(): void {
    this.root.reset()
    if (this.open !== undefined) for (const level of this.open) level.reset()
    this.identity.clear()
  }

  get rollback(): Effect.Effect<void> {
    return this.rollbackEffect ??= parentSpan(
      "session.rollback",
      Effect.suspend(() => {
        this.forget()
        const begun = this.tx !== undefined
        return Effect.zipRight(this.end((handle) => handle.rollback), begun ? this.events.afterRollback : Effect.void)
      })
    )
  }

  private flushLevel(level: UnitOfWork): Effect.Effect<void, SessionError> {
    return Effect.suspend(() => {
      if (level.changes.isEmpty && level.flushing === 0) return Effect.void
      const write = level.flushLock.withPermits(1)(Effect.suspend(() => {
        if (level.changes.isEmpty) return Effect.void
        level.flushing++
        return Effect.ensuring(
          Effect.zipRight(
            this.runWrite(Persister.flush(level.changes, level.identity, this.events)),
            Effect.sync(() => void (this.flushedUncommitted = true))
          ),
          Effect.sync(() => level.flushing--)
        )
      }))
      // The statements of a flush are children of its span (only when traced).
      return write.pipe(
        (flushing) => parentSpan("session.flush", flushing),
        // A failed flush leaves the transaction unusable on PostgreSQL: outside a block the
        // session rolls back and stays usable; inside one, the block's own end rolls back.
        Effect.tapErrorCause(() =>
          Effect.flatMap(FiberRef.get(this.engine.currentTransaction), (ambient) =>
            level === this.root && !this.inOutermost && (ambient === undefined || ambient.depth === 0) ? this.rollback : Effect.void)
        ),
        Effect.provideService(Engine.Engine, this.engine)
      )
    })
  }

  get flush(): Effect.Effect<void, SessionError> {
    return this.flushEffect ??= Effect.flatMap(this.unit, (level) => this.flushLevel(level))
  }

  // A failed beforeCommit rolls back, as a failed flush does; afterCommit's failure leaves the data committed.
  get commit(): Effect.Effect<void, SessionError> {
    return this.commitEffect ??= parentSpan(
      "session.commit",
      Effect.zipRight(
        Effect.zipRight(
          Effect.onError(this.events.beforeCommit, () => this.rollback),
          this.flush
        ),
        Effect.suspend(() => {
          this.identity.clear()
          return this.end((handle) => handle.commit)
        })
      )
    ).pipe(Effect.zipRight(this.events.afterCommit))
  }

  /** The session's own transaction: begun with the options, committed or rolled back, retried as asked. */
  private outermost<A, E, R>(effect: Effect.Effect<A, E, R>, options: Engine.TransactionOptions | undefined) {
    const once = Effect.uninterruptibleMask((restore) =>
      Effect.gen(this, function*() {
        const level = yield* this.begin(options)
        this.inOutermost = true
        const exit = yield* Effect.exit(restore(Effect.locally(Effect.zipLeft(effect, this.flush), this.engine.currentTransaction, level)))
        this.inOutermost = false
        if (Exit.isFailure(exit)) {
          yield* this.rollback
          return yield* exit
        }
        yield* Effect.onError(this.commit, () => this.rollback)
        return exit.value
      })
    )
    return options?.retry === undefined
      ? once
      : Effect.retry(once, { schedule: options.retry as Schedule.Schedule<unknown, unknown>, while: isRetryable })
  }

  /**
   * A savepoint with a level of its own. The parent's pending changes are written first,
   * at the parent's level, so the savepoint holds exactly what the block does.
   */
  private nested<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SessionError, R> {
    return Effect.flatMap(this.unit, (parent) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.gen(this, function*() {
          yield* restore(this.flushLevel(parent))
          const level = parent.child()
          ;(this.open ??= new Set()).add(level)
          const current = this.current ??= FiberRef.unsafeMake<UnitOfWork>(this.root)
          const block = Effect.locally(Effect.zipLeft(effect, this.flushLevel(level)), current, level)
          // A savepoint needs the session's transaction: runWrite begins it now if need be.
          const exit = yield* Effect.exit(restore(this.runWrite(this.engine.transaction(block))))
          this.open?.delete(level)
          if (Exit.isSuccess(exit)) level.commit()
          else level.discard()
          return yield* exit
        })
      ))
  }

  transaction<A, E, R>(effect: Effect.Effect<A, E, R>, options?: Engine.TransactionOptions): Effect.Effect<A, E | SessionError, R> {
    return Effect.flatMap(FiberRef.get(this.engine.currentTransaction), (ambient): Effect.Effect<A, E | SessionError, R> =>
      ambient !== undefined
        ? this.nested(effect)
        : (this.outermostLock ??= Effect.unsafeMakeSemaphore(1)).withPermits(1)(
          Effect.suspend(() => (this.tx === undefined ? this.outermost(effect, options) : this.nested(effect)))
        ))
  }

  get readLevel(): Effect.Effect<Transaction.Level | undefined, DatabaseError> {
    return this.readLevelEffect ??= Effect.flatMap(
      FiberRef.get(this.engine.currentTransaction),
      (ambient) => ambient !== undefined ? Effect.succeed(ambient) : this.tenant !== undefined ? this.begin() : Effect.succeed(this.tx?.handle.level)
    )
  }
}
