/**
 * Captures log entries (and their formatted text) so tests can count them and
 * search them for secrets.
 */
import { Effect, HashMap, Logger } from "effect"

export interface Entry {
  readonly level: string
  readonly message: string
  readonly annotations: Record<string, unknown>
  readonly text: string
}

/** Runs `self` with a logger that records every entry; returns the result and the entries. */
export const captureLogs = <A, E, R>(self: Effect.Effect<A, E, R>) => {
  const entries: Array<Entry> = []
  const logger = Logger.make<unknown, void>((options) => {
    const messages = Array.isArray(options.message) ? options.message : [options.message]
    entries.push({
      level: options.logLevel.label,
      message: messages.map(String).join(" "),
      annotations: Object.fromEntries(HashMap.toEntries(options.annotations)),
      text: Logger.logfmtLogger.log(options) + " " + Logger.jsonLogger.log(options)
    })
  })
  return Effect.map(Effect.exit(self.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))), (exit) => ({ exit, entries }))
}
