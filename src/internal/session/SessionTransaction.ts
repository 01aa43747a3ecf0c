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
import type { IdentityMap } from "./IdentityMap.js"
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
}

/**
 * Synchronous and allocation-light: a session is made per request (often per lookup), so
 * its locks are made on first use and nothing here runs an Effect.
 */
/**
 * `sessionScope` is asked for only when the session begins its transaction: `Session.use`
 * makes one then, so that a session that never writes has no scope at all.
 */
export const build = (
  engine: Engine.Engine,
  identity: IdentityMap,
  sessionScope: () => Scope.Scope,
  events: Events.Registry = Events.empty,
  tenant?: Engine.TransactionOptions
): SessionTransaction => {
  const root = new UnitOfWork(identity, undefined)
  // Per session, so that two sessions used by one fiber never share a level.
  // Made on the first nested block: until then every fiber records into the root, and a
  // session that never nests (most of them) never pays for a FiberRef.
  let current: FiberRef.FiberRef<UnitOfWork> | undefined
  /** Levels of blocks under way: the session's rollback empties them too. */
  let open: Set<UnitOfWork> | undefined
  let tx: { readonly handle: Transaction.Handle; readonly scope: Scope.CloseableScope } | undefined
  let beginLock: Effect.Semaphore | undefined
  let outermostLock: Effect.Semaphore | undefined
  /** True while an outermost block runs: a failed flush inside it is left to the block to roll back. */
  let inOutermost = false

  const unit = Effect.suspend(() => (current === undefined ? Effect.succeed(root.recorder) : Effect.map(FiberRef.get(current), (u) => u.recorder)))
  // One finalizer per session, added on its first change: a session that only reads adds none.
  let watched = false
  /** A flush wrote rows into the session's transaction since it began: a close without COMMIT loses them. */
  let flushedUncommitted = false
  const recording = Effect.suspend(() => {
    if (watched) return unit
    watched = true
    const warn = warnIfUnwritten(root.changes, () => tx !== undefined && flushedUncommitted)
    return Effect.zipRight(Scope.addFinalizerExit(sessionScope(), warn), unit)
  })
  const unitNow = () =>
    current === undefined
      ? root.recorder
      : Option.match(Fiber.getCurrentFiber(), { onNone: () => root, onSome: (fiber) => fiber.getFiberRef(current!).recorder })

  const unitIn = (fiber: Fiber.RuntimeFiber<unknown, unknown>) => (current === undefined ? root.recorder : fiber.getFiberRef(current).recorder)

  /** Begins the session's transaction on a connection it holds until commit or rollback. */
  const begin = (options?: Engine.TransactionOptions) =>
    (beginLock ??= Effect.unsafeMakeSemaphore(1)).withPermits(1)(Effect.suspend(() => {
      if (tx !== undefined) return Effect.succeed(tx.handle.level)
      return Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          const scope = yield* Scope.fork(sessionScope(), ExecutionStrategy.sequential)
          const handle = yield* restore(Scope.extend(engine.begin(tenant === undefined ? options : { ...tenant, ...options }), scope)).pipe(
            Effect.onError(() => Scope.close(scope, Exit.void))
          )
          tx = { handle, scope }
          return handle.level
        })
      )
    }))

  // A tenant's session reads in its transaction too: the schema and settings are the transaction's.
  const run = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
    tenant !== undefined ? runWrite(effect) : Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient) =>
      ambient !== undefined || tx === undefined ? effect : Effect.locally(effect, engine.currentTransaction, tx.handle.level))

  const runWrite = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
    Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient) =>
      ambient !== undefined
        ? effect
        : tx !== undefined
        // Already begun: no lock to take (the hot path of a session that writes row by row).
        ? Effect.locally(effect, engine.currentTransaction, tx.handle.level)
        : Effect.flatMap(begin(), (level) => Effect.locally(effect, engine.currentTransaction, level)))

  // A read runs as it is where the transaction in effect is the one it should run in.
  const readsAsIs = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
    tenant === undefined && (tx === undefined || fiber.getFiberRef(engine.currentTransaction) !== undefined)

  const runIn = <A, E, R>(fiber: Fiber.RuntimeFiber<unknown, unknown>, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
    readsAsIs(fiber) ? effect : tenant !== undefined ? runWrite(effect) : Effect.locally(effect, engine.currentTransaction, tx!.handle.level)

  const runWriteIn = <A, E, R>(fiber: Fiber.RuntimeFiber<unknown, unknown>, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DatabaseError, R> =>
    fiber.getFiberRef(engine.currentTransaction) !== undefined
      ? effect
      : tx !== undefined
      ? Effect.locally(effect, engine.currentTransaction, tx.handle.level)
      : Effect.flatMap(begin(), (level) => Effect.locally(effect, engine.currentTransaction, level))

  /** Ends the session's transaction, if it has one, and returns its connection. */
  const end = <E>(how: (handle: Transaction.Handle) => Effect.Effect<void, E>) =>
    Effect.suspend(() => {
      const ending = tx
      tx = undefined
      flushedUncommitted = false
      if (ending === undefined) return Effect.void
      return Effect.ensuring(how(ending.handle), Scope.close(ending.scope, Exit.void))
    }).pipe(Effect.uninterruptible)

  const forget = () => {
    root.reset()
    if (open !== undefined) for (const level of open) level.reset()
    identity.clear()
  }

  // The Effects below are built on first use, once: a session made for one lookup uses none.
  let rollbackEffect: Effect.Effect<void> | undefined
  const rollback = (): Effect.Effect<void> =>
    rollbackEffect ??= parentSpan(
      "session.rollback",
      Effect.suspend(() => {
        forget()
        const begun = tx !== undefined
        return Effect.zipRight(end((handle) => handle.rollback), begun ? events.afterRollback : Effect.void)
      })
    )

  const flushLevel = (level: UnitOfWork): Effect.Effect<void, SessionError> =>
    Effect.suspend(() => {
      if (level.changes.isEmpty && level.flushing === 0) return Effect.void
      const write = level.flushLock.withPermits(1)(Effect.suspend(() => {
        if (level.changes.isEmpty) return Effect.void
        level.flushing++
        return Effect.ensuring(
          Effect.zipRight(runWrite(Persister.flush(level.changes, level.identity, events)), Effect.sync(() => void (flushedUncommitted = true))),
          Effect.sync(() => level.flushing--)
        )
      }))
      // The statements of a flush are children of its span (only when traced).
      return write.pipe(
        (flushing) => parentSpan("session.flush", flushing),
        // A failed flush leaves the transaction unusable on PostgreSQL: outside a block the
        // session rolls back and stays usable; inside one, the block's own end rolls back.
        Effect.tapErrorCause(() =>
          Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient) =>
            level === root && !inOutermost && (ambient === undefined || ambient.depth === 0) ? rollback() : Effect.void)
        ),
        Effect.provideService(Engine.Engine, engine)
      )
    })

  let flushEffect: Effect.Effect<void, SessionError> | undefined
  const flush = () => flushEffect ??= Effect.flatMap(unit, flushLevel)

  // A failed beforeCommit rolls back, as a failed flush does; afterCommit's failure leaves the data committed.
  let commitEffect: Effect.Effect<void, SessionError> | undefined
  const commit = (): Effect.Effect<void, SessionError> =>
    commitEffect ??= parentSpan(
      "session.commit",
      Effect.zipRight(
        Effect.zipRight(
          Effect.onError(events.beforeCommit, rollback),
          flush()
        ),
        Effect.suspend(() => {
          identity.clear()
          return end((handle) => handle.commit)
        })
      )
    ).pipe(Effect.zipRight(events.afterCommit))

  /** The session's own transaction: begun with the options, committed or rolled back, retried as asked. */
  const outermost = <A, E, R>(effect: Effect.Effect<A, E, R>, options: Engine.TransactionOptions | undefined) => {
    const once = Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const level = yield* begin(options)
        inOutermost = true
        const exit = yield* Effect.exit(restore(Effect.locally(Effect.zipLeft(effect, flush()), engine.currentTransaction, level)))
        inOutermost = false
        if (Exit.isFailure(exit)) {
          yield* rollback()
          return yield* exit
        }
        yield* Effect.onError(commit(), rollback)
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
  const nested = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SessionError, R> =>
    Effect.flatMap(unit, (parent) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          yield* restore(flushLevel(parent))
          const level = parent.child()
          ;(open ??= new Set()).add(level)
          current ??= FiberRef.unsafeMake<UnitOfWork>(root)
          const block = Effect.locally(Effect.zipLeft(effect, flushLevel(level)), current, level)
          // A savepoint needs the session's transaction: runWrite begins it now if need be.
          const exit = yield* Effect.exit(restore(runWrite(engine.transaction(block))))
          open?.delete(level)
          if (Exit.isSuccess(exit)) level.commit()
          else level.discard()
          return yield* exit
        })
      ))

  const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>, options?: Engine.TransactionOptions) =>
    Effect.flatMap(FiberRef.get(engine.currentTransaction), (ambient): Effect.Effect<A, E | SessionError, R> =>
      ambient !== undefined
        ? nested(effect)
        : (outermostLock ??= Effect.unsafeMakeSemaphore(1)).withPermits(1)(Effect.suspend(() => (tx === undefined ? outermost(effect, options) : nested(effect)))))

  let readLevelEffect: Effect.Effect<Transaction.Level | undefined, DatabaseError> | undefined
  const readLevel = () =>
    readLevelEffect ??= Effect.flatMap(
      FiberRef.get(engine.currentTransaction),
      (ambient) => ambient !== undefined ? Effect.succeed(ambient) : tenant !== undefined ? begin() : Effect.succeed(tx?.handle.level)
    )

  return new Parts(unit, recording, unitNow, unitIn, runIn, readsAsIs, runWriteIn, run, readLevel, runWrite, flush, commit, rollback, transaction)
}

// Constructed, not an object literal: V8 may pretenure a literal's allocation site, and a
// pretenured object holding a session's closures keeps them alive through every young GC.
// The Effect members are getters over thunks that build them on first use.
class Parts implements SessionTransaction {
  constructor(
    readonly unit: SessionTransaction["unit"],
    readonly recording: SessionTransaction["recording"],
    readonly unitNow: SessionTransaction["unitNow"],
    readonly unitIn: SessionTransaction["unitIn"],
    readonly runIn: SessionTransaction["runIn"],
    readonly readsAsIs: SessionTransaction["readsAsIs"],
    readonly runWriteIn: SessionTransaction["runWriteIn"],
    readonly run: SessionTransaction["run"],
    private readonly readLevelOf: () => SessionTransaction["readLevel"],
    readonly runWrite: SessionTransaction["runWrite"],
    private readonly flushOf: () => SessionTransaction["flush"],
    private readonly commitOf: () => SessionTransaction["commit"],
    private readonly rollbackOf: () => SessionTransaction["rollback"],
    readonly transaction: SessionTransaction["transaction"]
  ) {}
  get readLevel() {
    return this.readLevelOf()
  }
  get flush() {
    return this.flushOf()
  }
  get commit() {
    return this.commitOf()
  }
  get rollback() {
    return this.rollbackOf()
  }
}
