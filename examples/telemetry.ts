/**
 * Telemetry: retort's OpenTelemetry database spans, exported to the console.
 *
 *   npm run example:telemetry
 *
 * Every statement is a client span named like `SELECT users`, with the database semantic
 * conventions' attributes (`db.system.name`, `db.collection.name`, `db.query.text` with its
 * placeholders and never a value, `db.response.returned_rows`, `error.type`…). A session's
 * flush and commit are parent spans of the statements they run. Swap the console exporter
 * for an OTLP one (`@opentelemetry/exporter-trace-otlp-http`) to send them to Jaeger,
 * Tempo, Honeycomb… Without a tracer layer, retort builds no span at all.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Console, Effect } from "effect"
import { Column, Engine, MetaData, Query, Session, Table } from "retort-orm"

class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50, unique: true })
}) {}

const metadata = MetaData.make(User)

const program = Effect.gen(function*() {
  yield* metadata.createAll

  // session.commit > session.flush > BEGIN, INSERT users; then COMMIT under session.commit.
  const session = yield* Session.Session
  yield* session.add(User, { name: "Ann" })
  yield* session.add(User, { name: "Bob" })
  yield* session.commit

  // "SELECT users", db.response.returned_rows 2; "s3cret" is a bound parameter and appears in no span.
  const users = yield* Query.execute(Query.select(User).where(User.c.name.ne("s3cret")).orderBy(User.c.name))
  yield* Console.log(`users: ${users.map((u) => u.name).join(", ")}`)

  // A failed statement: its span has status error and error.type "UniqueViolation".
  const duplicate = yield* Query.execute(Query.insert(User).values([{ name: "Ann" }])).pipe(
    Effect.as("inserted"),
    Effect.catchTag("UniqueViolation", (e) => Effect.succeed(e._tag))
  )
  yield* Console.log(`duplicate: ${duplicate}`)
}).pipe(Effect.withSpan("retort-example"))

// Simple (not batching) processor: each span is printed as soon as it ends.
const Tracing = NodeSdk.layer(() => ({
  resource: { serviceName: "retort-example" },
  spanProcessor: new SimpleSpanProcessor(new ConsoleSpanExporter())
}))

program.pipe(
  Effect.provide(Session.layer),
  Effect.provide(Engine.layer("sqlite://")),
  Effect.provide(Tracing),
  Effect.tapErrorCause(Effect.logError),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
})
