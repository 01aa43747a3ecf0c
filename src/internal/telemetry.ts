/**
 * OpenTelemetry database spans (semantic conventions for database client spans): one per
 * statement, built by `src/Engine.ts`, and the session's parent spans (its flush, commit and
 * rollback in `SessionTransaction.ts`, its relation loads in `loading/Loader.ts`). Everything here runs
 * only when a tracer other than Effect's built-in one is installed: the callers check
 * {@link isTraced} first, so an untraced program never builds a span or its attributes.
 *
 * Only Effect's `Tracer` is used: an `@effect/opentelemetry` layer (or any tracer) turns
 * these spans into whatever it exports.
 */
import { Cause, Effect, Exit, type Fiber, Stream, type Tracer } from "effect"
import type { DatabaseUrl } from "../Url.js"

/** Effect's default tracer, which nobody reads unless a tracer layer replaces it. */
export const builtInTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

/** A tracer someone reads is installed: spans are worth their cost. */
export const isTraced = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean => fiber.currentTracer !== builtInTracer

/** What the query layer knows of a statement and its SQL text does not say plainly. */
export interface StatementInfo {
  /** The statement's main table (`db.collection.name`). */
  readonly collection?: string | undefined
  /** SELECT, INSERT, UPDATE, DELETE (`db.operation.name`); else read from the SQL text. */
  readonly operation?: string | undefined
}

/**
 * `db.system.name` as OpenTelemetry's registry spells it. A `mysql://` URL may point at
 * MariaDB too; only the `mariadb://` scheme says which it is.
 */
const systemName = (url: DatabaseUrl): string =>
  url.dialect === "sqlite" ? "sqlite" : url.dialect === "postgresql" ? "postgresql" : url.scheme === "mariadb" ? "mariadb" : "mysql"

/** The attributes every span of one engine carries: computed once, when the engine is made. */
export const connectionAttributes = (url: DatabaseUrl): Readonly<Record<string, unknown>> =>
  url.dialect === "sqlite"
    ? { "db.system.name": "sqlite", "db.namespace": url.filename }
    : {
      "db.system.name": systemName(url),
      ...(url.database === undefined ? {} : { "db.namespace": url.database }),
      "server.address": url.host,
      "server.port": url.port
    }

const firstKeyword = /^\s*([A-Za-z]+)/

/**
 * The operation of a SQL text: its first keyword. A `WITH …` statement's operation is
 * whatever follows its CTEs, which only the query layer knows: left out then.
 */
export const operationOf = (text: string): string | undefined => {
  const match = firstKeyword.exec(text)
  if (match === null) return undefined
  const keyword = match[1]!.toUpperCase()
  return keyword === "WITH" ? undefined : keyword
}

/** The name and attributes of a statement's span: `db.query.text` is the SQL with its placeholders, never a value. */
const statementSpanOptions = (base: Readonly<Record<string, unknown>>, text: string, info: StatementInfo | undefined) => {
  const operation = info?.operation ?? operationOf(text)
  const collection = info?.collection
  const summary = operation === undefined ? undefined : collection === undefined ? operation : `${operation} ${collection}`
  const attributes: Record<string, unknown> = { ...base, "db.query.text": text }
  if (operation !== undefined) attributes["db.operation.name"] = operation
  if (collection !== undefined) attributes["db.collection.name"] = collection
  if (summary !== undefined) attributes["db.query.summary"] = summary
  return {
    name: summary ?? String(base["db.system.name"]),
    options: { kind: "client", captureStackTrace: false, attributes } satisfies Tracer.SpanOptions
  }
}

/** `error.type`: the retort error's tag, or `_OTHER` (the convention's fallback) for a defect. */
const errorType = (cause: Cause.Cause<unknown>, classify: (e: unknown) => unknown): string | undefined => {
  if (Cause.isInterruptedOnly(cause)) return undefined
  const failure = Cause.failureOption(cause)
  if (failure._tag === "None") return "_OTHER"
  const error = classify(failure.value)
  const tag = typeof error === "object" && error !== null ? (error as { _tag?: unknown })._tag : undefined
  return typeof tag === "string" ? tag : "_OTHER"
}

const recordExit = <A>(
  span: Tracer.Span,
  exit: Exit.Exit<A, unknown>,
  classify: (e: unknown) => unknown,
  rows: ((a: A) => number | undefined) | undefined
) => {
  if (Exit.isSuccess(exit)) {
    const n = rows?.(exit.value)
    if (n !== undefined) span.attribute("db.response.returned_rows", n)
    return
  }
  const type = errorType(exit.cause, classify)
  if (type !== undefined) span.attribute("error.type", type)
}

/**
 * `effect`, one statement, in a client span. The tracer marks the span failed when the
 * statement fails; `error.type` names the retort error (`classify` turns a driver's error into it).
 */
export const statementSpan = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  base: Readonly<Record<string, unknown>>,
  text: string,
  info: StatementInfo | undefined,
  classify: (e: unknown) => unknown,
  rows?: (a: A) => number | undefined
): Effect.Effect<A, E, R> => {
  const { name, options } = statementSpanOptions(base, text, info)
  return Effect.useSpan(name, options, (span) =>
    Effect.onExit(effect, (exit) => Effect.sync(() => recordExit(span, exit, classify, rows))))
}

/** A stream of one statement's rows in a client span that ends with the stream, counting its rows. */
export const streamSpan = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  base: Readonly<Record<string, unknown>>,
  text: string,
  info: StatementInfo | undefined,
  classify: (e: unknown) => unknown
): Stream.Stream<A, E, R> => {
  const { name, options } = statementSpanOptions(base, text, info)
  return Stream.unwrapScoped(Effect.map(Effect.makeSpanScoped(name, options), (span) => {
    let n = 0
    return stream.pipe(
      Stream.mapChunks((chunk) => {
        n += chunk.length
        return chunk
      }),
      Stream.onError((cause) => Effect.sync(() => recordExit(span, Exit.failCause(cause), classify, undefined))),
      Stream.ensuring(Effect.sync(() => span.attribute("db.response.returned_rows", n)))
    )
  }))
}

/**
 * `effect` in an internal span (`session.flush`, `session.commit`, `session.load`…), the
 * parent of the statements it runs; only when traced, so a session pays one fiber check
 * for it, and builds `attributes` only then.
 */
export const parentSpan = <A, E, R>(
  name: string,
  effect: Effect.Effect<A, E, R>,
  attributes?: () => Readonly<Record<string, unknown>>
): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime((fiber) =>
    isTraced(fiber)
      ? Effect.withSpan(effect, name, attributes === undefined ? { captureStackTrace: false } : { captureStackTrace: false, attributes: attributes() })
      : effect
  )
