/**
 * Read replicas: an engine over the test PostgreSQL (the primary) and its streaming standby
 * on 127.0.0.1:5433 (`.ci/pg-standby` makes one). Reads outside a transaction are answered
 * by the standby, writes and transactions by the primary, a fiber that just wrote reads from
 * the primary, and `{ replica: true }` is a read-only transaction on the standby.
 *
 *   npm run example:replicas     (PRIMARY_URL / REPLICA_URL override the defaults)
 *
 * Without a standby it says so and exits.
 */
import { Console, Effect, Layer } from "effect"
import { Column, Engine, Expr, MetaData, Query, Session, Table } from "retort-orm"

const primaryUrl = process.env["PRIMARY_URL"] ?? "postgresql://postgres@127.0.0.1:5432/test"
const replicaUrl = process.env["REPLICA_URL"] ?? "postgresql://postgres@127.0.0.1:5433/test"

class Visit extends Table.Class<Visit>("Visit")("example_visits", {
  id: Column.integer({ primaryKey: true }),
  page: Column.string({ length: 100 })
}) {}
const metadata = MetaData.make(Visit)

/** Which server answered: the standby says it is in recovery. */
const whoAnswers = Effect.map(
  Query.execute(Query.select({ port: Expr.raw<number>`inet_server_port()`, standby: Expr.raw<boolean>`pg_is_in_recovery()` })),
  (rows) => (rows[0]!.standby ? `the standby (port ${rows[0]!.port})` : `the primary (port ${rows[0]!.port})`)
)

const program = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll
  yield* Effect.sleep("600 millis") // past the read-your-writes window of the DDL
  yield* Console.log(`a read outside a transaction: ${yield* whoAnswers}`)
  const session = yield* Session.Session
  yield* session.add(Visit, { id: 1, page: "/home" })
  yield* session.commit
  yield* Console.log(`right after this fiber committed: ${yield* whoAnswers}`)
  yield* Effect.sleep("600 millis")
  yield* Console.log(`once the readYourWrites window passed: ${yield* whoAnswers}`)
  const inReplica = yield* Session.transaction(whoAnswers, { replica: true })
  yield* Console.log(`a { replica: true } transaction: ${inReplica}`)
  yield* Console.log(`a plain transaction: ${yield* Engine.transaction(whoAnswers)}`)
  yield* metadata.dropAll
})

const standbyAnswers = Engine.execute("SELECT pg_is_in_recovery() AS standby").pipe(
  Effect.map((rows) => rows[0]?.["standby"] === true),
  Effect.provide(Engine.layer(replicaUrl, { pool: { acquireTimeout: "3 seconds" } })),
  Effect.orElseSucceed(() => false)
)

const engine = Engine.layer(primaryUrl, { replicas: [replicaUrl], readYourWrites: "500 millis" })

Effect.runPromise(Effect.gen(function*() {
  if (!(yield* standbyAnswers)) {
    yield* Console.log(`SKIPPED: no PostgreSQL standby answers at ${replicaUrl} (make one with: sudo .ci/pg-standby)`)
    return
  }
  yield* program.pipe(Effect.provide(Session.layer.pipe(Layer.provideMerge(engine))))
})).catch((error) => {
  console.error(String(error))
  process.exitCode = 1
})
