/**
 * Small helpers for suites that build engines of their own.
 */
import { assert } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Layer, Option } from "effect"
import * as net from "node:net"
import * as Engine from "../../src/Engine.js"

/** Builds an engine in the current scope and returns the service. */
export const engineFor = (url: string, options?: Engine.EngineOptions) =>
  Effect.map(Layer.build(Engine.layer(url, options)), (ctx) => Context.get(ctx, Engine.Engine))

/** The typed failure of an exit; fails the test when it succeeded or died. */
export const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit), "expected the statement to fail")
  const error = Cause.failureOption((exit as Exit.Failure<A, E>).cause)
  assert.isTrue(Option.isSome(error), `expected a typed failure, got ${Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""}`)
  return (error as Option.Some<E>).value
}

/** A TCP port nothing listens on. */
export const freePort = Effect.async<number>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Polls `check` every 50 ms until it holds or `millis` pass; returns whether it held. */
export const eventually = (check: () => boolean, millis: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + millis
    while (Date.now() < deadline) {
      if (check()) return true
      yield* Effect.sleep("50 millis")
    }
    return check()
  })
