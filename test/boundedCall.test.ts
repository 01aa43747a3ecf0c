/**
 * `startBounded` (`src/internal/execution/Conn.ts`), the one driver call both statement paths
 * run (`boundedCall` in a transaction, the executor's pool path outside one): it settles once,
 * whatever happens first (the driver's answer, the bound, a cancel, a driver that throws), and
 * says so to the pool (`after`) before resuming. The drivers' side is run on the real
 * databases by the shared suites (faults, engine); here each way of settling is forced.
 * `asyncIn`, the wait of the server drivers' fast paths, is held to what
 * `uninterruptibleMask` + `restore` would do around it.
 */
import { SqlError } from "@effect/sql/SqlError"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { asyncIn, type Conn, connState, resuming, startBounded, TimedOut } from "../src/internal/execution/Conn.js"

const connection = () => ({ ...connState() }) as unknown as Conn

const harness = () => {
  const seen = { abandoned: 0, after: 0, resumed: [] as Array<Exit.Exit<unknown, SqlError>> }
  const resume = (effect: Effect.Effect<unknown, SqlError>) => void seen.resumed.push(Effect.runSyncExit(effect))
  return { seen, resume, abandon: () => void seen.abandoned++, after: () => void seen.after++ }
}

/** A call the driver has not answered yet, bounded at 20 ms; `answer` is the driver's late reply. */
const pending = () => {
  const conn = connection()
  const { abandon, after, resume, seen } = harness()
  let answer: ((err: unknown, result: number) => void) | undefined
  const cancel = startBounded<number>(conn, 20, abandon, () => true, (done) => void (answer = done), resuming(resume), after)
  return { seen, cancel, answer: (result: number) => answer!(null, result) }
}

describe("startBounded", () => {
  it("a driver that throws before sending fails the statement (no defect) and marks the connection broken", () => {
    const conn = connection()
    const { abandon, after, resume, seen } = harness()
    const cancel = startBounded(conn, 1000, abandon, () => false, () => {
      throw new TypeError("cannot bind")
    }, resuming(resume), after)
    cancel()
    assert.strictEqual(seen.resumed.length, 1)
    const exit = seen.resumed[0]!
    assert.isTrue(Exit.isFailure(exit))
    if (Exit.isFailure(exit) && exit.cause._tag === "Fail") assert.instanceOf(exit.cause.error.cause, TypeError)
    else assert.fail("expected a failure")
    assert.isTrue(conn.broken)
    assert.deepStrictEqual([seen.after, seen.abandoned], [1, 0])
  })

  it("the answer settles it once: a server error keeps the connection, a late cancel does nothing", () => {
    const conn = connection()
    const { abandon, after, resume, seen } = harness()
    const cancel = startBounded<number>(conn, undefined, abandon, () => true, (done) => done(new Error("duplicate key"), 0), resuming(resume), after)
    cancel()
    assert.strictEqual(seen.resumed.length, 1)
    assert.isTrue(Exit.isFailure(seen.resumed[0]!))
    assert.isFalse(conn.broken)
    assert.deepStrictEqual([seen.after, seen.abandoned], [1, 0])
  })

  it.live("past the bound: abandoned, given back, failed with TimedOut; the driver's late answer is ignored", () =>
    Effect.gen(function*() {
      const { answer, seen } = pending()
      yield* Effect.sleep("60 millis")
      answer(1)
      assert.strictEqual(seen.resumed.length, 1)
      const exit = seen.resumed[0]!
      if (Exit.isFailure(exit) && exit.cause._tag === "Fail") assert.instanceOf(exit.cause.error.cause, TimedOut)
      else assert.fail("expected a timeout")
      assert.deepStrictEqual([seen.after, seen.abandoned], [1, 1])
    }))

  it.live("a cancel (an interruption) abandons and gives back once, and resumes nothing", () =>
    Effect.gen(function*() {
      const { answer, cancel, seen } = pending()
      cancel()
      cancel()
      yield* Effect.sleep("60 millis")
      answer(1)
      assert.strictEqual(seen.resumed.length, 0)
      assert.deepStrictEqual([seen.after, seen.abandoned], [1, 1])
    }))
})

describe("asyncIn", () => {
  // A wait that never resumes by itself; `cancelled` counts the cancels.
  const waiting = (interruptible: boolean, registered: Deferred.Deferred<void>, cancelled: { n: number }) =>
    asyncIn<number, never>(interruptible, () => {
      Effect.runSync(Deferred.succeed(registered, undefined))
      return () => void cancelled.n++
    })

  it.live("interruptible: an interruption of the wait cancels it once, and the fiber ends interrupted", () =>
    Effect.gen(function*() {
      const registered = yield* Deferred.make<void>()
      const cancelled = { n: 0 }
      const fiber = yield* Effect.fork(waiting(true, registered, cancelled))
      yield* Deferred.await(registered)
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      assert.strictEqual(cancelled.n, 1)
    }))

  it.live("uninterruptible: the wait is not interrupted and nothing is cancelled; it goes on with its value", () =>
    Effect.gen(function*() {
      const cancelled = { n: 0 }
      const seen: Array<number> = []
      let resume: ((effect: Effect.Effect<number>) => void) | undefined
      const registered = yield* Deferred.make<void>()
      const wait = asyncIn<number, never>(false, (r) => {
        resume = r
        Effect.runSync(Deferred.succeed(registered, undefined))
        return () => void cancelled.n++
      })
      const fiber = yield* Effect.fork(Effect.uninterruptible(Effect.tap(wait, (n) => Effect.sync(() => void seen.push(n)))))
      yield* Deferred.await(registered)
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* Effect.sleep("20 millis")
      // The interruption waits for the uninterruptible region, which runs to its end.
      assert.deepStrictEqual(seen, [])
      resume!(Effect.succeed(7))
      yield* Fiber.join(interrupting)
      assert.deepStrictEqual(seen, [7])
      assert.strictEqual(cancelled.n, 0)
    }))

  it.live("a failure resumed is the failure, and cancels nothing", () =>
    Effect.gen(function*() {
      const cancelled = { n: 0 }
      const exit = yield* Effect.exit(asyncIn<number, string>(true, (resume) => {
        resume(Effect.fail("refused"))
        return () => void cancelled.n++
      }))
      assert.deepStrictEqual(exit, Exit.fail("refused"))
      assert.strictEqual(cancelled.n, 0)
    }))
})
