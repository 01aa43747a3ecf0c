/**
 * `MetaData.createAll` / `dropAll` on a real database: foreign-key order whatever order
 * the tables are given in, a cycle closed after creation, a second `createAll` that
 * changes nothing, and a `dropAll` that leaves nothing behind (PostgreSQL enum types too).
 */
import { assert, layer as testLayer } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Column from "../../src/Column.js"
import * as Engine from "../../src/Engine.js"
import * as Expr from "../../src/Expr.js"
import * as MetaData from "../../src/MetaData.js"
import * as Query from "../../src/Query.js"
import * as Table from "../../src/Table.js"
import { failure } from "../harness/engines.js"
import type { Suite, Target } from "../harness/targets.js"

class Author extends Table.Class<Author>("Author")("md_authors", {
  id: Column.integer({ primaryKey: true }),
  email: Column.string({ length: 100, unique: true }),
  // The author's favourite book: one side of a cycle with Book.authorId.
  favoriteBookId: Column.integer({ nullable: true, name: "favorite_book_id", references: (): Column.AnyRef => Book.c.id })
}) {}

class Book extends Table.Class<Book>("Book")("md_books", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: (): Column.AnyRef => Author.c.id, onDelete: "cascade" }),
  title: Column.string({ length: 200 }),
  status: Column.literal("draft", "published").with({ enumName: "md_book_status" }),
  pages: Column.integer({ check: Expr.raw("pages > 0") })
}, { indexes: [["authorId", "status"]], uniques: [["authorId", "title"]] }) {}

class Review extends Table.Class<Review>("Review")("md_reviews", {
  id: Column.integer({ primaryKey: true }),
  bookId: Column.integer({ name: "book_id", references: () => Book.c.id }),
  authorEmail: Column.string({ length: 100, name: "author_email", references: () => Author.c.email })
}) {}

// Children first on purpose: createAll must order them.
const metadata = MetaData.make(Review, Book, Author)

const tableExists = (target: Target, name: string) =>
  Effect.map(
    Effect.exit(Engine.execute(`SELECT COUNT(*) AS n FROM ${target.dialect === "mysql" ? `\`${name}\`` : `"${name}"`}`)),
    Exit.isSuccess
  )

export const suite: Suite = (layer, target) => {
  testLayer(layer, { excludeTestServices: true })("MetaData", (it) => {
    it.effect("createAll orders tables by foreign keys and closes a cycle; a second createAll is a no-op", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        yield* metadata.createAll
        for (const name of ["md_authors", "md_books", "md_reviews"]) assert.isTrue(yield* tableExists(target, name), name)

        yield* Query.execute(Query.insert(Author).values({ id: 1, email: "a@example.com" }))
        yield* Query.execute(Query.insert(Book).values({ id: 1, authorId: 1, title: "One", status: "draft", pages: 10 }))
        yield* Engine.execute(
          target.dialect === "mysql"
            ? "UPDATE `md_authors` SET `favorite_book_id` = 1 WHERE `id` = 1"
            : `UPDATE "md_authors" SET "favorite_book_id" = 1 WHERE "id" = 1`
        )
        yield* Query.execute(Query.insert(Review).values({ id: 1, bookId: 1, authorEmail: "a@example.com" }))
        // After explicit ids, the next generated id follows them (PostgreSQL's identity is moved along).
        yield* Query.execute(Query.insert(Author).values({ email: "b@example.com" }))
        yield* Query.execute(Query.insert(Author).values([{ id: 10, email: "c@example.com" }, { id: 11, email: "d@example.com" }]))
        yield* Query.execute(Query.insert(Author).values({ email: "e@example.com" }))
        const ids = (yield* Query.execute(Query.select(Author).orderBy(Author.c.id))).map((a) => [a.id, a.email])
        assert.deepStrictEqual(ids, [[1, "a@example.com"], [2, "b@example.com"], [10, "c@example.com"], [11, "d@example.com"], [12, "e@example.com"]])

        yield* metadata.createAll
        const authors = yield* Query.execute(Query.select(Author).orderBy(Author.c.id).limit(1))
        assert.deepStrictEqual(authors.map((a) => [a.id, a.favoriteBookId]), [[1, 1]])
        assert.strictEqual((yield* Query.execute(Query.select(Book))).length, 1)
      }), { timeout: 30_000 })

    it.effect("the created constraints hold: both sides of the cycle, the CHECK, the literal and the unique pair", () =>
      Effect.gen(function*() {
        const cycle = failure(yield* Effect.exit(Engine.execute(
          target.dialect === "mysql"
            ? "UPDATE `md_authors` SET `favorite_book_id` = 99 WHERE `id` = 1"
            : `UPDATE "md_authors" SET "favorite_book_id" = 99 WHERE "id" = 1`
        )))
        assert.strictEqual(cycle._tag, "ForeignKeyViolation")
        const book = (values: Partial<typeof Book.insert.Type>) =>
          Effect.exit(Query.execute(Query.insert(Book).values({ id: 2, authorId: 1, title: "Two", status: "draft", pages: 1, ...values })))
        assert.strictEqual(failure(yield* book({ authorId: 42 }))._tag, "ForeignKeyViolation")
        assert.strictEqual(failure(yield* book({ pages: 0 }))._tag, "CheckViolation")
        assert.strictEqual(failure(yield* book({ title: "One" }))._tag, "UniqueViolation")
        // A value outside the literal is refused by retort before the database sees it…
        assert.strictEqual(failure(yield* book({ status: "gone" as "draft" }))._tag, "EncodeError")
        // …and by the database when written around retort.
        const raw = yield* Effect.exit(Engine.execute(
          target.dialect === "mysql"
            ? "INSERT INTO `md_books` (`id`, `author_id`, `title`, `status`, `pages`) VALUES (3, 1, 'x', 'gone', 1)"
            : `INSERT INTO "md_books" ("id", "author_id", "title", "status", "pages") VALUES (3, 1, 'x', 'gone', 1)`
        ))
        assert.isTrue(Exit.isFailure(raw))
      }))

    it.effect("dropAll removes every table, with data and the cycle in place, and the enum types", () =>
      Effect.gen(function*() {
        yield* metadata.dropAll
        for (const name of ["md_authors", "md_books", "md_reviews"]) assert.isFalse(yield* tableExists(target, name), name)
        if (target.dialect === "postgresql") {
          const types = yield* Engine.execute("SELECT COUNT(*) AS n FROM pg_type WHERE typname = 'md_book_status'")
          assert.strictEqual(Number(types[0]!["n"]), 0)
        }
        // Dropping what is not there is fine too.
        yield* metadata.dropAll
      }))

    it.effect("createAll fails with a typed DefinitionError for an invalid set of tables", () =>
      Effect.gen(function*() {
        const incomplete = MetaData.make(Review, Book) // Author is missing
        const error = failure(yield* Effect.exit(incomplete.createAll))
        assert.strictEqual(error._tag, "DefinitionError")
        assert.include(error.message, "md_authors")
        assert.isFalse(yield* tableExists(target, "md_reviews"))
      }))
  })
}
