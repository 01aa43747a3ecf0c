/**
 * Compile tests of selects (issue 14), no database: compound ORDER BY by output column,
 * INTERSECT / EXCEPT and their precedence, row locks, EXISTS, and the FROM check.
 * The statements were run on SQLite, PostgreSQL and MariaDB by test/suite/selects.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Column from "../src/Column.js"
import { EncodeError } from "../src/Errors.js"
import * as Fn from "../src/Fn.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"

class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 }),
  age: Column.integer({ nullable: true })
}) {}
class Tag extends Table.Class<Tag>("Tag")("tags", { id: Column.integer({ primaryKey: true }), name: Column.string({ length: 20 }) }) {}
class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id" }),
  title: Column.string({ length: 200 })
}) {}

const dialects = ["sqlite", "postgresql", "mysql"] as const
type DialectName = (typeof dialects)[number]
type Expected = { readonly [D in DialectName]: readonly [sql: string, params: ReadonlyArray<unknown>] | RegExp }

/** Each dialect's SQL and parameters, or (a RegExp) the message of the EncodeError toSql throws. */
const check = (query: Query.Compilable, expected: Expected) => {
  for (const dialect of dialects) {
    const want = expected[dialect]
    if (want instanceof RegExp) {
      assert.throws(() => query.toSql(dialect), EncodeError, want, dialect)
      continue
    }
    assert.deepStrictEqual(query.toSql(dialect), { sql: want[0], params: want[1] }, dialect)
  }
}
/** The same SQL on every dialect but for quoting (`"` vs backquotes) and placeholders. */
const everywhere = (sqlite: string, params: ReadonlyArray<unknown>): Expected => {
  let n = 0
  return {
    sqlite: [sqlite, params],
    postgresql: [sqlite.replace(/\?/g, () => `$${++n}`), params],
    mysql: [sqlite.replace(/"/g, "`"), params]
  }
}
const all = (pattern: RegExp): Expected => ({ sqlite: pattern, postgresql: pattern, mysql: pattern })

const userCols = `"users"."id" AS "id", "users"."name" AS "name", "users"."age" AS "age"`

describe("selects (issue 14)", () => {
  describe("compound ORDER BY", () => {
    it("a union of model selects ordered by Model.c.id names the output column, not users.id", () => {
      check(
        Query.select(User).where(User.c.age.gt(1)).union(Query.select(User).where(User.c.age.lt(0))).orderBy(User.c.id.desc()),
        everywhere(
          `SELECT ${userCols} FROM "users" WHERE ("users"."age" > ?) UNION SELECT ${userCols} FROM "users" WHERE ("users"."age" < ?) ORDER BY "id" DESC`,
          [1, 0]
        )
      )
    })

    it("an aliased model select is matched by alias and column name", () => {
      const u = Table.alias(User, "u")
      check(
        Query.select(u).unionAll(Query.select(User)).orderBy(u.c.name),
        everywhere(
          `SELECT "u"."id" AS "id", "u"."name" AS "name", "u"."age" AS "age" FROM "users" AS "u" UNION ALL SELECT ${userCols} FROM "users" ORDER BY "name" ASC`,
          []
        )
      )
    })

    it("a term that is not an output column of the first select is refused at compile time", () => {
      check(
        Query.select({ name: User.c.name }).union(Query.select({ name: Tag.c.name })).orderBy(Tag.c.name),
        all(/ordered by its output columns; Tag\.name is not one of its first select's \(name\)/)
      )
      check(Query.select({ name: User.c.name }).union(Query.select({ name: Tag.c.name })).orderBy(User.c.id), all(/User\.id is not one/))
      check(Query.select({ name: User.c.name }).union(Query.select({ name: Tag.c.name })).orderBy(Fn.count()), all(/an expression \(Func\)/))
    })
  })

  describe("INTERSECT and EXCEPT", () => {
    const users = Query.select({ name: User.c.name })
    const tags = Query.select({ name: Tag.c.name })
    const titles = Query.select({ name: Post.c.title })

    it("intersect and except", () => {
      check(users.intersect(tags), everywhere(`SELECT "users"."name" AS "name" FROM "users" INTERSECT SELECT "tags"."name" AS "name" FROM "tags"`, []))
      check(users.except(tags).orderBy(User.c.name).limit(2), {
        ...everywhere(`SELECT "users"."name" AS "name" FROM "users" EXCEPT SELECT "tags"."name" AS "name" FROM "tags" ORDER BY "name" ASC LIMIT ?`, [2])
      })
    })

    it("the ALL forms: PostgreSQL and MariaDB; refused on SQLite", () => {
      const pg = `SELECT "users"."name" AS "name" FROM "users" INTERSECT ALL SELECT "tags"."name" AS "name" FROM "tags"`
      check(users.intersectAll(tags), { sqlite: /SQLite has no INTERSECT ALL/, postgresql: [pg, []], mysql: [pg.replace(/"/g, "`"), []] })
      const ex = `SELECT "users"."name" AS "name" FROM "users" EXCEPT ALL SELECT "tags"."name" AS "name" FROM "tags"`
      check(users.exceptAll(tags), { sqlite: /SQLite has no EXCEPT ALL/, postgresql: [ex, []], mysql: [ex.replace(/"/g, "`"), []] })
    })

    it("a mixed chain evaluates left to right: what precedes an INTERSECT after a UNION is nested", () => {
      check(
        users.union(tags).intersect(titles).except(tags),
        everywhere(
          `SELECT * FROM (SELECT "users"."name" AS "name" FROM "users" UNION SELECT "tags"."name" AS "name" FROM "tags") AS "_compound1" INTERSECT SELECT "posts"."title" AS "name" FROM "posts" EXCEPT SELECT "tags"."name" AS "name" FROM "tags"`,
          []
        )
      )
      // INTERSECT first, or only UNION and EXCEPT: already left to right, nothing nested.
      check(
        users.intersect(tags).union(titles).except(tags),
        everywhere(
          `SELECT "users"."name" AS "name" FROM "users" INTERSECT SELECT "tags"."name" AS "name" FROM "tags" UNION SELECT "posts"."title" AS "name" FROM "posts" EXCEPT SELECT "tags"."name" AS "name" FROM "tags"`,
          []
        )
      )
    })
  })

  describe("row locks", () => {
    it("forUpdate with skipLocked / nowait; refused on SQLite", () => {
      const sql = `SELECT ${userCols} FROM "users" WHERE ("users"."id" = ?) LIMIT ? FOR UPDATE SKIP LOCKED`
      const e = everywhere(sql, [1, 1])
      check(Query.select(User).where(User.c.id.eq(1)).limit(1).forUpdate({ skipLocked: true }), { ...e, sqlite: /SQLite has no row locks \(FOR UPDATE\).*serializable/ })
      const plain = everywhere(`SELECT ${userCols} FROM "users" FOR UPDATE NOWAIT`, [])
      check(Query.select(User).forUpdate({ nowait: true }), { ...plain, sqlite: /no row locks/ })
    })

    it("forShare: FOR SHARE [OF] on PostgreSQL, LOCK IN SHARE MODE on MariaDB (which has no OF)", () => {
      check(
        Query.select({ t: Post.c.title }).from(Post).join(User, User.c.id.eq(Post.c.authorId)).forShare({ nowait: true, of: [Post] }),
        {
          sqlite: /no row locks \(FOR SHARE\)/,
          postgresql: [`SELECT "posts"."title" AS "t" FROM "posts" JOIN "users" ON ("users"."id" = "posts"."author_id") FOR SHARE OF "posts" NOWAIT`, []],
          mysql: ["SELECT `posts`.`title` AS `t` FROM `posts` JOIN `users` ON (`users`.`id` = `posts`.`author_id`) LOCK IN SHARE MODE NOWAIT", []]
        }
      )
    })

    it("nowait with skipLocked is a TypeError (and a type error); a compound member cannot lock", () => {
      // @ts-expect-error nowait and skipLocked exclude each other
      assert.throws(() => Query.select(User).forUpdate({ nowait: true, skipLocked: true }), TypeError, /exclude each other/)
      check(Query.select({ name: User.c.name }).forUpdate().union(Query.select({ name: Tag.c.name })), all(/member of a compound select cannot lock/))
      // @ts-expect-error compounds have no forUpdate
      assert.isUndefined(Query.select({ name: User.c.name }).union(Query.select({ name: Tag.c.name })).forUpdate)
      check(Query.select(User).forUpdate({ of: [Post] }), all(/Post is locked/))
    })
  })

  describe("EXISTS", () => {
    it("select.exists() is an EXISTS subquery, correlated to the outer select", () => {
      check(
        Query.select({ name: User.c.name }).where(Query.select({ id: Post.c.id }).where(Post.c.authorId.eq(User.c.id)).exists()),
        everywhere(`SELECT "users"."name" AS "name" FROM "users" WHERE (EXISTS (SELECT "posts"."id" AS "id" FROM "posts" WHERE ("posts"."author_id" = "users"."id")))`, [])
      )
    })
  })

  describe("the FROM check", () => {
    it("a column of a table not in FROM or JOIN fails at compile time, naming the table", () => {
      check(Query.select({ n: Fn.count(Post.c.id) }).from(User).join(Tag, Tag.c.id.eq(User.c.id)), all(/^\(query\): Post is selected from but is not in FROM or JOIN/))
      check(Query.select(User).where(Post.c.id.eq(1)), all(/Post is selected from .* in WHERE/))
      check(Query.select(User).groupBy(Tag.c.name), all(/Tag is selected from .* in GROUP BY/))
      check(Query.select(User).having(Tag.c.id.gt(1)), all(/Tag .* in HAVING/))
      check(Query.select(User).orderBy(Tag.c.name), all(/Tag .* in ORDER BY/))
      check(Query.select(User).join(Post, Post.c.authorId.eq(Tag.c.id)), all(/Tag .* in a JOIN ON/))
      const boss = Table.alias(User, "boss")
      check(Query.select(User).where(boss.c.id.eq(1)), all(/boss \(an alias of User\) is selected from/))
    })

    it("a subquery sees the enclosing selects' tables; an uncorrelated one is checked against its own", () => {
      check(
        Query.select({ n: Fn.count() }).from(User).where(User.c.id.in(Query.select({ id: Post.c.authorId }).from(Tag))),
        all(/Post is selected from/)
      )
      const latest = Query.select({ t: Post.c.title }).where(Post.c.authorId.eq(User.c.id)).orderBy(Post.c.id.desc()).limit(1).scalar()
      check(
        Query.select({ name: User.c.name, latest }),
        everywhere(`SELECT "users"."name" AS "name", (SELECT "posts"."title" AS "t" FROM "posts" WHERE ("posts"."author_id" = "users"."id") ORDER BY "posts"."id" DESC LIMIT ?) AS "latest" FROM "users"`, [1])
      )
    })

    it("subqueries in FROM and CTEs are sources by their names", () => {
      const perAuthor = Query.select({ a: Post.c.authorId, n: Fn.count() }).groupBy(Post.c.authorId).as("pa")
      check(Query.select({ name: User.c.name, n: perAuthor.c.n }).from(User), all(/pa is selected from but is not in FROM or JOIN/))
      check(
        Query.select({ name: User.c.name, n: perAuthor.c.n }).from(perAuthor).join(User, User.c.id.eq(perAuthor.c.a)),
        everywhere(`SELECT "users"."name" AS "name", "pa"."n" AS "n" FROM (SELECT "posts"."author_id" AS "a", COUNT(*) AS "n" FROM "posts" GROUP BY "posts"."author_id") AS "pa" JOIN "users" ON ("users"."id" = "pa"."a")`, [])
      )
      const big = Query.with("big", Query.select({ id: User.c.id }).where(User.c.age.gt(3)))
      check(
        Query.select({ id: big.c.id }).from(big),
        everywhere(`WITH "big" ("id") AS (SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."age" > ?)) SELECT "big"."id" AS "id" FROM "big"`, [3])
      )
      // A FROM subquery is not LATERAL: it cannot see its siblings.
      const bad = Query.select({ t: Post.c.title }).where(Post.c.authorId.eq(User.c.id)).as("bad")
      check(Query.select({ t: bad.c.t }).from(bad).join(User, User.c.id.eq(User.c.id)), all(/User is selected from/))
    })
  })

  describe("types", () => {
    it("Query.scalar takes a one-column select only", () => {
      const one = Query.scalar(Query.select({ n: Fn.count() }).from(User))
      const _typed: typeof one extends import("effect").Effect.Effect<number | null, any, any> ? true : false = true
      // @ts-expect-error two columns
      Query.scalar(Query.select({ a: User.c.id, b: User.c.name }))
      // @ts-expect-error a model select
      Query.scalar(Query.select(User))
      assert.isTrue(_typed)
    })
  })
})
