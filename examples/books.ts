/**
 * Books: a model with a DateTime column, createAll, an insert, first(), dropAll.
 *
 *   npm run example:books                                           (SQLite file books.db)
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run example:books
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npm run example:books
 */
import { Config, Console, DateTime, Effect, Option } from "effect"
import { Column, Engine, Fn, MetaData, Session, Table } from "retort-orm"

class Book extends Table.Class<Book>("Book")("books", {
  id: Column.integer({ primaryKey: true }),
  title: Column.string({ length: 200 }),
  author: Column.string({ length: 100 }),
  publishedAt: Column.dateTime({ name: "published_at" }),
  addedAt: Column.dateTime({ name: "added_at", serverDefault: Fn.now() })
}) {}

const metadata = MetaData.make(Book)

const program = Effect.gen(function*() {
  const engine = yield* Engine.Engine
  yield* Console.log(`Database: ${engine.dialect.name}`)
  yield* metadata.createAll

  const session = yield* Session.Session
  yield* session.add(Book, {
    title: "Structure and Interpretation of Computer Programs",
    author: "Abelson & Sussman",
    publishedAt: DateTime.unsafeMake("1985-07-01T00:00:00Z")
  })
  yield* session.add(Book, { title: "The Pragmatic Programmer", author: "Hunt & Thomas", publishedAt: DateTime.unsafeMake("1999-10-20T00:00:00Z") })
  yield* session.commit

  const first = yield* session.query(Book).orderBy(Book.c.publishedAt).first
  yield* Option.match(first, {
    onNone: () => Console.log("No books"),
    onSome: (book) => Console.log(`First published: "${book.title}" by ${book.author}, ${DateTime.formatIso(book.publishedAt).slice(0, 10)}`)
  })
  const count = yield* session.query(Book).count
  yield* Console.log(`Books: ${count}`)
  yield* session.rollback
  yield* metadata.dropAll
  yield* Console.log("Dropped the table")
})

const url = Config.string("DATABASE_URL").pipe(Config.withDefault("sqlite:///books.db"))
program.pipe(
  Effect.provide(Session.layer),
  Effect.provide(Engine.layerConfig(url)),
  Effect.tapErrorCause(Effect.logError),
  Effect.runPromise
).catch(() => {
  process.exitCode = 1
})
