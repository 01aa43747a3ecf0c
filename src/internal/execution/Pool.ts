/**
 * retort's connection pool, one per engine. Used by the executor (`Executor.ts`) for every
 * statement, transaction and `SqlClient` connection of the engine.
 *
 * - Waiters are served first come, first served: a connection given back goes to the
 *   oldest waiter, and a newcomer never overtakes the queue.
 * - `acquireTimeout` is a deadline per waiter, enforced by a timer, on every driver.
 * - Interruption-safe: an interrupted or timed-out wait gives back whatever it was handed.
 * - A connection marked broken (a connection error, an interrupted statement, a timeout),
 *   past `maxLifetime`, or idle past `idleTimeout` is destroyed, never handed out again; one
 *   idle for longer than `pingAfter` is checked before it is handed out.
 *
 * The bookkeeping is plain synchronous code: taking an idle connection costs no fiber, no
 * timer and no allocation beyond the lease itself.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Deferred, Effect, Exit } from "effect"
import type { Conn } from "./Conn.js"

export interface PoolConfig {
  readonly size: number
  readonly acquireTimeoutMillis: number
  readonly idleTimeoutMillis: number | undefined
  readonly maxLifetimeMillis: number | undefined
  /** A connection idle for longer is pinged before it is handed out. */
  readonly pingAfterMillis: number
  /** The bound on that ping; past it the connection is destroyed and another tried. */
  readonly pingTimeoutMillis: number
  /** Opens one connection (with its own connect timeout). */
  readonly open: Effect.Effect<Conn, SqlError>
  /** Marks an error as raised while connecting (so it is classified as a `ConnectionError`). */
  readonly connectError: (error: SqlError) => SqlError
  /** The one connection must never be closed while the engine lives (SQLite in memory). */
  readonly keepAlive: boolean
}

interface Waiter {
  readonly deferred: Deferred.Deferred<Conn, SqlError>
  /** The connection handed to this waiter, until its fiber has taken it. */
  handed: Conn | undefined
  done: boolean
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * A first-in first-out queue of waiters. A waiter that left (interrupted, timed out) stays
 * in place marked `done` and is skipped; `waiting` counts the others, kept by the pool.
 */
class Queue<A extends { done: boolean }> {
  private items: Array<A> = []
  private head = 0
  push(item: A) {
    this.items.push(item)
  }
  /** The oldest item still waiting. */
  shift(): A | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head++]!
      if (!item.done) {
        this.compact()
        return item
      }
    }
    this.items = []
    this.head = 0
    return undefined
  }
  private compact() {
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }
}

export interface PoolStats {
  readonly size: number
  /** Connections open or opening. */
  readonly total: number
  readonly idle: number
  readonly inUse: number
  readonly waiting: number
}

export class Pool {
  private readonly idle: Array<Conn> = []
  private readonly waiters = new Queue<Waiter>()
  /** Waiters in the queue not yet served, timed out or interrupted. */
  private waiting = 0
  /** Connections open or being opened. */
  private total = 0
  private opening = 0
  private closed = false
  private sweeper: ReturnType<typeof setInterval> | undefined

  constructor(readonly config: PoolConfig) {
    const period = Math.min(config.idleTimeoutMillis ?? Infinity, config.maxLifetimeMillis ?? Infinity)
    if (Number.isFinite(period) && !config.keepAlive) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(25, Math.min(1000, period / 4)))
      this.sweeper.unref?.()
    }
  }

  get stats(): PoolStats {
    return {
      size: this.config.size,
      total: this.total,
      idle: this.idle.length,
      inUse: this.total - this.idle.length - this.opening,
      waiting: this.waiting
    }
  }

  /**
   * An idle connection, taken now, if one is free and nobody waits before us; otherwise
   * undefined (then use `acquire`). The hot path: no fiber, no timer.
   */
  tryTake(now = Date.now()): Conn | undefined {
    if (this.closed || this.waiting > 0) return undefined
    while (this.idle.length > 0) {
      const conn = this.idle.pop()!
      if (this.expired(conn, now)) {
        this.destroy(conn)
        continue
      }
      if (now - conn.lastUsed > this.config.pingAfterMillis) {
        // Needs a check first: the slow path does it.
        this.idle.push(conn)
        return undefined
      }
      conn.released = false
      return conn
    }
    return undefined
  }

  /** A connection for the caller, first come first served, within `acquireTimeout`. */
  readonly acquire: Effect.Effect<Conn, SqlError> = Effect.suspend(() => {
    const conn = this.tryTake()
    if (conn !== undefined) return Effect.succeed(conn)
    return this.wait
  })

  private readonly wait: Effect.Effect<Conn, SqlError> = Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Deferred.make<Conn, SqlError>(), (deferred) => {
      if (this.closed) return Effect.fail(this.closedError())
      const waiter: Waiter = { deferred, handed: undefined, done: false, timer: undefined }
      const timeout = this.config.acquireTimeoutMillis
      waiter.timer = setTimeout(() => {
        if (waiter.done) return
        this.finish(waiter)
        Deferred.unsafeDone(deferred, Exit.fail(this.config.connectError(this.exhausted())))
      }, timeout)
      this.waiters.push(waiter)
      this.waiting++
      this.dispatch()
      return restore(Deferred.await(deferred)).pipe(
        Effect.flatMap((conn) => this.checked(conn, waiter)),
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            // Whatever happened first, the waiter leaves the queue and gives back what it was handed.
            this.finish(waiter)
            const handed = waiter.handed
            waiter.handed = undefined
            if (handed !== undefined) this.release(handed)
          })
        )
      )
    })
  )

  /** A connection idle for long is pinged first; a failed ping destroys it and the wait goes on. */
  private checked(conn: Conn, waiter: Waiter): Effect.Effect<Conn, SqlError> {
    waiter.handed = undefined
    if (Date.now() - conn.lastUsed <= this.config.pingAfterMillis) return Effect.succeed(conn)
    return conn.ping(this.config.pingTimeoutMillis).pipe(
      Effect.as(conn),
      Effect.catchAll(() =>
        Effect.suspend(() => {
          conn.broken = true
          this.release(conn)
          return this.wait
        })
      )
    )
  }

  private finish(waiter: Waiter) {
    if (!waiter.done) this.waiting--
    waiter.done = true
    if (waiter.timer !== undefined) clearTimeout(waiter.timer)
    waiter.timer = undefined
  }

  /** Gives a connection back: to the oldest waiter, or to the idle list; destroyed if unfit. */
  release(conn: Conn): void {
    if (conn.released) return
    conn.released = true
    const now = Date.now()
    if (this.closed || conn.broken || (this.expired(conn, now) && !this.config.keepAlive)) {
      this.destroy(conn)
      this.dispatch()
      return
    }
    conn.lastUsed = now
    const waiter = this.waiters.shift()
    if (waiter !== undefined) return this.handTo(waiter, conn)
    this.idle.push(conn)
  }

  private handTo(waiter: Waiter, conn: Conn) {
    this.finish(waiter)
    conn.released = false
    waiter.handed = conn
    Deferred.unsafeDone(waiter.deferred, Exit.succeed(conn))
  }

  /** Serves waiters from idle connections, and opens new ones while under `size`. */
  private dispatch() {
    while (this.waiting > 0 && this.idle.length > 0) {
      const conn = this.idle.pop()!
      if (this.expired(conn, Date.now()) && !this.config.keepAlive) {
        this.destroy(conn)
        continue
      }
      const waiter = this.waiters.shift()!
      conn.released = true
      this.handTo(waiter, conn)
    }
    // One connection opening per waiter not yet served, within the size.
    while (!this.closed && this.total < this.config.size && this.opening < this.waiting) {
      this.openOne()
    }
  }

  private openOne() {
    this.total++
    this.opening++
    Effect.runCallback(this.config.open, {
      onExit: (exit) => {
        this.opening--
        if (Exit.isSuccess(exit)) {
          const conn = exit.value
          conn.onClose(() => this.lost(conn))
          conn.released = true
          conn.lastUsed = Date.now()
          if (this.closed) return this.destroy(conn)
          const waiter = this.waiters.shift()
          if (waiter !== undefined) this.handTo(waiter, conn)
          else this.idle.push(conn)
          return
        }
        this.total--
        // The oldest waiter learns why it cannot have a connection; the others keep waiting
        // (and open again) until their own deadline.
        const waiter = this.waiters.shift()
        if (waiter !== undefined) {
          this.finish(waiter)
          const error = Exit.isFailure(exit) ? exit.cause : undefined
          Deferred.unsafeDone(
            waiter.deferred,
            error === undefined ? Exit.fail(this.closedError()) : Exit.failCause(error) as Exit.Exit<Conn, SqlError>
          )
        }
      }
    })
  }

  /** An idle connection whose socket closed (server restart, kill): forget it at once. */
  private lost(conn: Conn) {
    conn.broken = true
    const i = this.idle.indexOf(conn)
    if (i >= 0) {
      this.idle.splice(i, 1)
      this.destroy(conn)
      this.dispatch()
    }
  }

  private expired(conn: Conn, now: number): boolean {
    const { idleTimeoutMillis, maxLifetimeMillis } = this.config
    return (maxLifetimeMillis !== undefined && now - conn.createdAt >= maxLifetimeMillis) ||
      (idleTimeoutMillis !== undefined && conn.released && now - conn.lastUsed >= idleTimeoutMillis)
  }

  private destroy(conn: Conn) {
    if (conn.destroyed) return
    conn.destroyed = true
    this.total--
    conn.destroy()
  }

  private sweep() {
    const now = Date.now()
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const conn = this.idle[i]!
      if (this.expired(conn, now)) {
        this.idle.splice(i, 1)
        this.destroy(conn)
      }
    }
  }

  private exhausted() {
    const { acquireTimeoutMillis, size } = this.config
    return new SqlError({
      cause: new Error(`no connection available within ${acquireTimeoutMillis} ms: all ${size} connections of the pool are in use`),
      message: "Timed out waiting for a connection"
    })
  }

  private closedError() {
    return this.config.connectError(new SqlError({ cause: new Error("the engine is closed"), message: "The engine is closed" }))
  }

  /** Closes every idle connection and refuses new work; connections in use close when given back. */
  readonly close: Effect.Effect<void> = Effect.sync(() => {
    this.closed = true
    if (this.sweeper !== undefined) clearInterval(this.sweeper)
    for (const conn of this.idle.splice(0)) this.destroy(conn)
    let waiter: Waiter | undefined
    while ((waiter = this.waiters.shift()) !== undefined) {
      this.finish(waiter)
      Deferred.unsafeDone(waiter.deferred, Exit.fail(this.closedError()))
    }
  })
}
