/**
 * One connection of a driver, as the pool (`Pool.ts`) and the executor (`Executor.ts`) use it.
 * Each driver adapter (`sqlite.ts`, `postgres.ts`, `mysql.ts`) implements it; nothing else
 * knows a driver's API.
 *
 * Statements fail with `@effect/sql`'s `SqlError`, the driver error as `cause`, so the
 * dialect classifiers read the database's codes. A statement that was interrupted or ran
 * past its bound is cancelled on the server and marks the connection broken: the pool
 * destroys it when it is given back.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Cause, Effect, type Stream } from "effect"

export type Row = Readonly<Record<string, unknown>>

export interface StatementOptions {
  /** better-sqlite3 reads integers beyond 2^53 exactly only in its safe-integer mode. */
  readonly safeIntegers?: boolean | undefined
  /** Cancel on the server past this many milliseconds (server dialects). */
  readonly timeoutMillis?: number | undefined
  /** At most one row can come back (a primary-key lookup): better-sqlite3 reads it with `get`. */
  readonly single?: boolean | undefined
}

export interface Conn {
  /** Rows of a statement (empty for statements that return none). */
  readonly query: (sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions) => Effect.Effect<ReadonlyArray<Row>, SqlError>
  /** The driver's own result: affected rows, insert ids (read by the dialect's `affectedRows`). */
  readonly run: (sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions) => Effect.Effect<unknown, SqlError>
  /** A statement without parameters, outside the prepared-statement cache (BEGIN, SAVEPOINT, SET). */
  readonly command: (sql: string, options?: StatementOptions) => Effect.Effect<void, SqlError>
  /** Rows as they arrive, with back-pressure; holding the connection until the stream ends. */
  readonly stream: (sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions & { readonly chunk?: number | undefined }) => Stream.Stream<Row, SqlError>
  /** A round trip, bounded, to prove the connection still answers. */
  readonly ping: (timeoutMillis: number) => Effect.Effect<void, SqlError>
  /** Closes the socket (or the file) now; the server rolls back whatever was open. */
  readonly destroy: () => void
  /** Called once when the connection closes by itself (server gone, socket reset). */
  readonly onClose: (listener: () => void) => void
  /**
   * The same as `query`, run synchronously, for drivers that can (better-sqlite3): the
   * executor's fast path runs a statement on an idle connection in one step.
   */
  readonly queryNow?: (sql: string, params: ReadonlyArray<unknown>, options?: StatementOptions) => ReadonlyArray<Row>
  readonly runNow?: (sql: string, params: ReadonlyArray<unknown>) => unknown
  /**
   * `query` and `run` as the driver's own call with a callback (the server drivers): the
   * executor's pool path runs a statement on an idle connection as one Effect step
   * (`Executor.ts`), with the bound and the cancellation of `boundedCall`.
   */
  readonly call?: Call
  /** Driver-level handle for `@effect/sql` adapters (never a public API). */
  readonly native: unknown

  readonly createdAt: number
  lastUsed: number
  /** Saw a connection error, an interruption or a timeout: never to be handed out again. */
  broken: boolean
  /** In the pool's idle list or given back (guards against a double release). */
  released: boolean
  destroyed: boolean
}

/** Called once with the driver's error, or its result. */
export type Done<A> = (err: unknown, result: A) => void

/** How a bounded call ended: its `SqlError`, or (error undefined) its value. */
export type Settled<A> = (error: SqlError | undefined, value: A) => void

/** A connection's driver calls, below Effect (`Conn.call`). */
export interface Call {
  /** Sends the statement; `done` is called once. */
  readonly query: (sql: string, params: ReadonlyArray<unknown>, options: StatementOptions | undefined, done: Done<ReadonlyArray<Row>>) => void
  readonly run: (sql: string, params: ReadonlyArray<unknown>, options: StatementOptions | undefined, done: Done<unknown>) => void
  /** Cancels the running statement on the server and marks the connection broken. */
  readonly abandon: () => void
  /** The error came from the server (the connection is still sound). */
  readonly isServerError: (e: unknown) => boolean
}

/** The fields every adapter starts its connection with. */
export const connState = () => ({
  createdAt: Date.now(),
  lastUsed: Date.now(),
  broken: false,
  released: false,
  destroyed: false
})

/** The cause of an `SqlError` for a statement cancelled at its bound (classified as `StatementTimeout`). */
export class TimedOut {
  readonly message: string
  constructor(readonly timeoutMillis: number, readonly cause: unknown) {
    this.message = `statement cancelled after ${timeoutMillis} ms`
  }
}

/** A driver call's failure. */
const callFailed = (err: unknown) => new SqlError({ cause: err, message: "Failed to execute statement" })

/** A statement cancelled at its bound. */
const callTimedOut = (timeoutMillis: number) =>
  new SqlError({ cause: new TimedOut(timeoutMillis, undefined), message: `Statement cancelled after ${timeoutMillis} ms` })

/**
 * One driver call, bounded, below Effect: `start` sends the statement and calls back once.
 * The call settles once, on the driver's answer, at `timeoutMillis` (then `abandon` cancels
 * it on the server and marks the connection broken; it fails with `TimedOut` as the cause)
 * or when the returned cancel is called (an interruption: `abandon` too). A failure that is
 * not the server's own, or a driver that throws before sending, marks the connection broken.
 * `after` runs once it has settled, before `outcome` (the pool path gives the connection back).
 */
export const startBounded = <A>(
  conn: Conn,
  timeoutMillis: number | undefined,
  abandon: () => void,
  isServerError: (e: unknown) => boolean,
  start: (done: Done<A>) => void,
  outcome: Settled<A>,
  after?: () => void
): (() => void) => {
  let settled = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const settle = () => {
    settled = true
    if (timer !== undefined) clearTimeout(timer)
    after?.()
  }
  const done: Done<A> = (err, result) => {
    if (settled) return
    if (err && !isServerError(err)) conn.broken = true
    settle()
    if (err) outcome(callFailed(err), undefined as A)
    else outcome(undefined, result)
  }
  try {
    start(done)
  } catch (e) {
    // The driver refused the call before sending it (a value it cannot bind): a failure of
    // the statement, not a defect.
    done(e, undefined as A)
  }
  if (timeoutMillis !== undefined && !settled) {
    timer = setTimeout(() => {
      if (settled) return
      abandon()
      settle()
      outcome(callTimedOut(timeoutMillis), undefined as A)
    }, timeoutMillis)
  }
  return () => {
    if (settled) return
    abandon()
    settle()
  }
}

/**
 * `Effect.async` whose `register` returns a canceler, run if the wait is interrupted: the
 * same contract as Effect's, in fewer steps. Effect's wraps every wait in `onInterrupt` (a
 * mask, a match, an exit match and a `zipRight` on each success), which measured about
 * 3.3 µs of CPU a PostgreSQL lookup against 0.9 µs for this mask and one failure handler
 * (interleaved runs, `bench/README.md` stop 29). The canceler runs once the mask is back
 * on, so nothing interrupts it.
 */
export const asyncCancellable = <A, E>(register: (resume: (effect: Effect.Effect<A, E>) => void) => () => void): Effect.Effect<A, E> =>
  Effect.uninterruptibleMask((restore) => {
    let cancel: (() => void) | undefined
    return Effect.catchAllCause(
      restore(Effect.async<A, E>((resume) => {
        cancel = register(resume)
      })),
      (cause) => {
        if (cancel !== undefined && Cause.isInterrupted(cause)) cancel()
        return Effect.failCause(cause)
      }
    )
  })

/**
 * `asyncCancellable` for a caller that knows whether its fiber is interruptible (it runs in
 * `Effect.withFiberRuntime`, whose status says). An uninterruptible fiber cannot be
 * interrupted while it waits, so there is nothing to cancel: the bare `Effect.async`. An
 * interruptible one gets the failure handler inside `uninterruptible`, the wait made
 * interruptible again, which is what `asyncCancellable`'s mask and restore are there,
 * without the mask's own step. On a PostgreSQL lookup each Effect step measured about
 * 0.4 µs of CPU (`bench/README.md`, stop 33).
 */
export const asyncIn = <A, E>(interruptible: boolean, register: (resume: (effect: Effect.Effect<A, E>) => void) => () => void): Effect.Effect<A, E> => {
  if (!interruptible) {
    return Effect.async<A, E>((resume) => {
      register(resume)
    })
  }
  let cancel: (() => void) | undefined
  return Effect.uninterruptible(Effect.catchAllCause(
    Effect.interruptible(Effect.async<A, E>((resume) => {
      cancel = register(resume)
    })),
    (cause) => {
      if (cancel !== undefined && Cause.isInterrupted(cause)) cancel()
      return Effect.failCause(cause)
    }
  ))
}

/** A `Settled` that resumes an `Effect.async` with the outcome. */
export const resuming = <A>(resume: (effect: Effect.Effect<A, SqlError>) => void): Settled<A> => (error, value) =>
  resume(error === undefined ? Effect.succeed(value) : Effect.fail(error))

/** `startBounded` as an Effect, interruption cancelling the call. Used by the adapters. */
export const boundedCall = <A>(
  conn: Conn,
  timeoutMillis: number | undefined,
  abandon: () => void,
  isServerError: (e: unknown) => boolean,
  start: (done: Done<A>) => void
): Effect.Effect<A, SqlError> =>
  asyncCancellable<A, SqlError>((resume) => startBounded(conn, timeoutMillis, abandon, isServerError, start, resuming(resume)))
