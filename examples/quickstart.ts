/**
 * Quickstart: a SQLite file engine, a User model, createAll, a session, add, commit, and
 * queries with all and first; then Core queries and typed errors.
 *
 *   npm run example                (creates quickstart.db in the current directory)
 *
 * It runs any number of times: it drops its table first (`dropAll`), then creates it.
 *
 * No server needed. Change the URL to "postgresql://postgres@127.0.0.1:5432/test" or
 * "mysql://root@127.0.0.1:3306/test" and the same program runs there.
 */
import { Console, Effect, Option } from "effect"
import { Column, Engine, Fn, MetaData, Query, Session, Table, Url } from "retort-orm"

// Models are Effect Schema classes with table metadata.
class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }), // autoincrement: optional on insert
  name: Column.string({ length: 50, unique: true }),
  age: Column.integer({ nullable: true }), // number | null
  createdAt: Column.dateTime({ name: "created_at", serverDefault: Fn.now() }) // filled by the database
}) {}

const metadata = MetaData.make(User)

const program = Effect.gen(function*() {
  const engine = yield* Engine.Engine
  yield* Console.log(`Engine: ${engine.dialect.name} at ${Url.toDisplayString(engine.url)} (lazy: nothing is open yet)`)
  yield* metadata.dropAll // a fresh start on every run (this drops the table and its rows)
  yield* metadata.createAll // CREATE TABLE IF NOT EXISTS

  // The session: pending adds are written at commit.
  const session = yield* Session.Session
  yield* session.add(User, { name: "Ann", age: 30 })
  yield* session.add(User, { name: "Bob", age: 17 })
  yield* session.add(User, { name: "Cyd" })
  yield* session.commit

  const all = yield* session.query(User).orderBy(User.c.name).all // ReadonlyArray<User>
  yield* Console.log(`\nAll users: ${all.map((u) => `${u.name} (${u.age ?? "?"})`).join(", ")}`)
  const adult = yield* session.query(User).where(User.c.age.gte(18)).first // Option<User>
  yield* Console.log(`First adult: ${Option.match(adult, { onNone: () => "nobody", onSome: (u) => u.name })}`)

  // Updates make new instances; the session writes the changed column at commit.
  const bob = yield* session.query(User).filterBy({ name: "Bob" }).one
  yield* session.update(bob, { age: 18 })
  yield* session.commit
  yield* Console.log(`Adults now: ${yield* session.query(User).where(User.c.age.gte(18)).count}`)

  // Core: typed records, SQL you can read.
  const byAge = Query.select({ age: User.c.age, users: Fn.count() }).where(User.c.age.isNotNull()).groupBy(User.c.age).orderBy(User.c.age)
  yield* Console.log(`\nSQL: ${byAge.toSql(engine.dialect).sql}`)
  yield* Console.table(yield* Query.execute(byAge))

  // Constraint violations are typed errors: recover from exactly the one you expect.
  const duplicate = yield* Query.execute(Query.insert(User).values({ name: "Ann" })).pipe(
    Effect.as("inserted"),
    Effect.catchTag("UniqueViolation", (e) => Effect.succeed(`UniqueViolation on ${e.table}(${e.columns.join(", ")})`))
  )
  const tooLong = yield* Query.execute(Query.insert(User).values({ name: "x".repeat(60) })).pipe(
    Effect.as("inserted"),
    Effect.catchTag("EncodeError", (e) => Effect.succeed(`EncodeError before any SQL ran: ${e.message}`))
  )
  yield* Console.log(`Duplicate name -> ${duplicate}`)
  yield* Console.log(`A 60-character name -> ${tooLong}`)
})

program.pipe(
  Effect.provide(Session.layer), // the session first: it needs the engine, provided outside it
  Effect.provide(Engine.layer("sqlite:///quickstart.db")),
  // A typed error is printed as one line (its tag and message), not as a dump of the cause.
  Effect.catchAll((error) =>
    Effect.sync(() => {
      console.error(`${error._tag}: ${error.message}`)
      process.exitCode = 1
    })
  ),
  Effect.runPromise
)
