/**
 * Sessions and transactions: a unit of work, typed errors that roll back, savepoints,
 * optimistic locking, and concurrent transfers retried on conflict.
 *
 *   npx tsx examples/transactions.ts [url]      (default: a SQLite file in a temporary directory)
 *
 * On PostgreSQL or MariaDB the transfers really run in parallel at serializable isolation:
 *   npx tsx examples/transactions.ts postgresql://postgres@127.0.0.1:5432/test
 */
import { Console, Data, Effect, Option, Schedule } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Column, Engine, MetaData, Query, Session, Table } from "retort-orm"

class Account extends Table.Class<Account>("Account")("example_accounts", {
  id: Column.integer({ primaryKey: true }),
  owner: Column.string({ length: 40, unique: true }),
  balance: Column.integer(),
  version: Column.integer({ default: 1 })
}, { versionColumn: "version" }) {}

const metadata = MetaData.make(Account)

/** A domain error: it travels through Session.transaction as is, and rolls the transaction back. */
class InsufficientFunds extends Data.TaggedError("InsufficientFunds")<{ readonly owner: string; readonly missing: number }> {}

const transfer = (from: number, to: number, amount: number) =>
  Session.transaction(
    Effect.gen(function*() {
      const session = yield* Session.Session
      const source = yield* session.query(Account).filterBy({ id: from }).one
      const target = yield* session.query(Account).filterBy({ id: to }).one
      if (source.balance < amount) return yield* new InsufficientFunds({ owner: source.owner, missing: amount - source.balance })
      yield* session.update(source, { balance: source.balance - amount })
      yield* session.update(target, { balance: target.balance + amount })
    }),
    // Serialization failures and deadlocks are retried as a whole, with backoff.
    { isolation: "serializable", retry: Schedule.exponential("10 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(20))) }
  )

/** Each unit of work gets a session of its own; releasing it rolls back anything uncommitted. */
const inSession = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.scoped(Effect.flatMap(Session.make, (session) => Effect.provideService(effect, Session.Session, session)))

const balances = Effect.map(Query.execute(Query.select(Account).orderBy(Account.c.id)), (accounts) =>
  accounts.map((a) => `${a.owner}: ${a.balance}`).join(", "))

const program = Effect.gen(function*() {
  yield* metadata.dropAll
  yield* metadata.createAll

  // The unit of work: pending adds are written at commit, in one multi-row INSERT.
  yield* inSession(Effect.gen(function*() {
    const session = yield* Session.Session
    yield* session.addAll(Account, [{ owner: "ann", balance: 100 }, { owner: "bob", balance: 100 }, { owner: "cyd", balance: 100 }])
    yield* session.commit
    // Identity map: one primary key is one instance.
    const a = yield* session.get(Account, 1)
    const b = yield* session.get(Account, 1)
    yield* Console.log(`identity: ${Option.getOrThrow(a) === Option.getOrThrow(b)}`)
  }))
  yield* Console.log(`start:                 ${yield* balances}`)

  yield* inSession(transfer(1, 2, 30))
  yield* Console.log(`after ann -> bob 30:   ${yield* balances}`)

  // A typed domain error: caught by tag, and nothing of the transfer was written.
  const refused = yield* inSession(transfer(3, 1, 500)).pipe(
    Effect.catchTag("InsufficientFunds", (e) => Effect.succeed(`refused: ${e.owner} is missing ${e.missing}`))
  )
  yield* Console.log(`${refused}; balances unchanged: ${yield* balances}`)

  // A nested transaction is a savepoint: its failure undoes only its own work.
  yield* inSession(Session.transaction(Effect.gen(function*() {
    const session = yield* Session.Session
    const bob = yield* session.query(Account).filterBy({ owner: "bob" }).one
    yield* session.update(bob, { balance: bob.balance + 1 })
    yield* Session.transaction(Effect.gen(function*() {
      const cyd = yield* session.query(Account).filterBy({ owner: "cyd" }).one
      yield* session.update(cyd, { balance: 0 })
      return yield* Effect.fail("changed my mind")
    })).pipe(Effect.ignore)
  })))
  yield* Console.log(`bob +1, cyd's savepoint undone: ${yield* balances}`)

  // Optimistic locking: two sessions read the same row; the second writer loses.
  const lost = yield* inSession(Effect.gen(function*() {
    const session = yield* Session.Session
    const stale = yield* session.query(Account).filterBy({ owner: "ann" }).one
    yield* session.rollback
    yield* inSession(Effect.gen(function*() {
      const other = yield* Session.Session
      const fresh = yield* other.query(Account).filterBy({ owner: "ann" }).one
      yield* other.update(fresh, { balance: fresh.balance + 5 })
      yield* other.commit
    }))
    yield* session.update(stale, { balance: stale.balance - 5 })
    return yield* session.commit.pipe(Effect.as("no conflict?"), Effect.catchTag("StaleDataError", (e) => Effect.succeed(`StaleDataError: ${e.message}`)))
  }))
  yield* Console.log(lost)

  // Twenty concurrent transfers around the ring: conflicts are retried, the total is conserved.
  yield* Effect.all(Array.from({ length: 20 }, (_, i) => inSession(transfer(1 + (i % 3), 1 + ((i + 1) % 3), 1))), { concurrency: 20 })
  const total = (yield* Query.execute(Query.select(Account))).reduce((sum, a) => sum + a.balance, 0)
  yield* Console.log(`after 20 concurrent transfers: ${yield* balances} (total ${total})`)
  yield* metadata.dropAll
})

const url = process.argv[2]
const dir = url === undefined ? mkdtempSync(join(tmpdir(), "retort-example-")) : undefined
program.pipe(
  Effect.provide(Engine.layer(url ?? `sqlite:///${join(dir!, "bank.db")}`)),
  Effect.tapErrorCause(Effect.logError),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
}).finally(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})
