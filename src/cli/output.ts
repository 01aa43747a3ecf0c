/**
 * What the `retort` command prints: one line per typed error (its tag and message, every
 * password masked), progress lines with durations, and the exit codes a script can test
 * (0 success, 1 a typed error, 2 bad usage). Called by `src/cli/start.ts` and the commands.
 */
import { ValidationError } from "@effect/cli"
import { Cause, Console, Effect, Exit, Option } from "effect"
import { maskUrl, scrub, secretsOf } from "../internal/urlMask.js"

/** Exit codes. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const

/** Secrets seen on the command line or in the environment, hidden from every line printed. */
const secrets = (): ReadonlyArray<string> => [
  ...process.argv.flatMap(secretsOf),
  ...(process.env.DATABASE_URL ? secretsOf(process.env.DATABASE_URL) : [])
]

/** `text` with every known password masked, and URL-shaped words masked too. */
export const mask = (text: string, extra: ReadonlyArray<string> = []): string =>
  scrub(text.split(/(\s+)/).map((word) => (word.includes("://") && word.includes("@") ? maskUrl(word) : word)).join(""), [...secrets(), ...extra])

/** One line for a typed error: `error: Tag: message`. */
export const errorLine = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const tag = "_tag" in error && typeof error._tag === "string" ? error._tag : "Error"
    const message = "message" in error && typeof error.message === "string" && error.message !== "" ? error.message : String(error)
    return mask(`error: ${tag}: ${message.split("\n")[0]}`)
  }
  return mask(`error: ${String(error)}`)
}

/** Milliseconds, readable: `12 ms`, `1.4 s`. */
export const duration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)

/** Runs `effect` and prints `label … done in N ms` around it. */
export const timed = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const start = performance.now()
    const result = yield* effect
    yield* Console.log(`${label} (${duration(performance.now() - start)})`)
    return result
  })

/**
 * The exit code of a finished run, printing the failure: usage errors were printed by
 * `@effect/cli` already; typed errors as one line; a defect with its cause.
 */
export const report = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return ExitCode.ok
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    if (ValidationError.isValidationError(failure.value)) return ExitCode.usage
    process.stderr.write(`${errorLine(failure.value)}\n`)
    return ExitCode.failure
  }
  if (Cause.isInterruptedOnly(exit.cause)) {
    process.stderr.write("error: interrupted\n")
    return ExitCode.failure
  }
  process.stderr.write(`${mask(Cause.pretty(exit.cause))}\n`)
  return ExitCode.failure
}
