/**
 * `startBounded` (`src/internal/execution/Conn.ts`), the one driver call both statement paths
 * run (`boundedCall` in a transaction, the executor's pool path outside one): it settles once,
 * whatever happens first (the driver's answer, the bound, a cancel, a driver that throws), and
 * says so to the pool (`after`) before resuming. The drivers' side is run on the real
 * databases by the shared suites (faults, engine); here each way of settling is forced.
 */
import { SqlError } from "@effect/sql/SqlError"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { type Conn, connState, resuming, startBounded, TimedOut } from "../src/internal/execution/Conn.js"

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
