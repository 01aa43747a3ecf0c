/**
 * Query compile tests, no database: the SQL and parameters each dialect produces for the
 * same statement, side by side. Every expected statement below was also run on SQLite,
 * PostgreSQL and MariaDB while writing these tests (the behaviour on real databases is
 * covered by the shared suites under test/suite/).
 */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, DateTime } from "effect"
import * as Column from "../src/Column.js"
import * as Dialect from "../src/Dialect.js"
import * as Expr from "../src/Expr.js"
import * as Fn from "../src/Fn.js"
import { utcFromMicros } from "../src/internal/values.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"

class User extends Table.Class<User>("User")("users", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 50 }),
  age: Column.integer({ nullable: true }),
  active: Column.boolean({ default: true }),
  balance: Column.numeric({ precision: 10, scale: 2, default: () => BigDecimal.unsafeFromString("0") }),
  createdAt: Column.dateTime({ serverDefault: Fn.now(), name: "created_at" }),
  managerId: Column.integer({ nullable: true, name: "manager_id" })
}) {}

class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  authorId: Column.integer({ name: "author_id", references: () => User.c.id }),
  title: Column.string({ length: 200 }),
  status: Column.literal("draft", "published"),
  score: Column.float({ nullable: true }),
  views: Column.bigint({ default: 0n }),
  publishedAt: Column.dateTime({ timezone: true, nullable: true, name: "published_at" })
}) {}

class Tag extends Table.Class<Tag>("Tag")("tags", {
  id: Column.integer({ primaryKey: true }),
  name: Column.string({ length: 20, unique: true }),
  uses: Column.integer({ default: 0 })
}) {}

/** Every field filled by the database. */
class Stamp extends Table.Class<Stamp>("Stamp")("stamps", {
  id: Column.integer({ primaryKey: true }),
  at: Column.dateTime({ serverDefault: Fn.now() })
}) {}

const dialects = ["sqlite", "postgresql", "mysql"] as const
type DialectName = (typeof dialects)[number]
type Expected = { readonly [D in DialectName]: readonly [sql: string, params: ReadonlyArray<unknown>] }

/** The statement of each dialect, compared with the expected SQL and parameters. */
const check = (query: Query.Compilable, expected: Expected) => {
  for (const dialect of dialects) {
    const [sql, params] = expected[dialect]
    assert.deepStrictEqual(query.toSql(dialect), { sql, params }, dialect)
  }
}

/** `SELECT "users"."id" AS "id" FROM "users" WHERE <condition>` in each dialect. */
const whereUsers = (condition: Expr.Expr<boolean>) => Query.select({ id: User.c.id }).where(condition)

const noon = DateTime.unsafeMake("2024-01-02T03:04:05Z") as DateTime.Utc
/** 2024-01-02 03:04:05.678901 UTC: microseconds, beyond what a JS Date keeps. */
const micro = utcFromMicros(1704164645678901n)

describe("Query compiler", () => {
  describe("SELECT", () => {
    it("a model: every column, by database name, from its table", () => {
      check(Query.select(User), {
        sqlite: [
          `SELECT "users"."id" AS "id", "users"."name" AS "name", "users"."age" AS "age", "users"."active" AS "active", "users"."balance" AS "balance", "users"."created_at" AS "created_at", "users"."manager_id" AS "manager_id" FROM "users"`,
          []
        ],
        postgresql: [
          `SELECT "users"."id" AS "id", "users"."name" AS "name", "users"."age" AS "age", "users"."active" AS "active", "users"."balance" AS "balance", "users"."created_at" AS "created_at", "users"."manager_id" AS "manager_id" FROM "users"`,
          []
        ],
        mysql: [
          "SELECT `users`.`id` AS `id`, `users`.`name` AS `name`, `users`.`age` AS `age`, `users`.`active` AS `active`, `users`.`balance` AS `balance`, `users`.`created_at` AS `created_at`, `users`.`manager_id` AS `manager_id` FROM `users`",
          []
        ]
      })
    })

    it("a record: FROM defaults to the first column's table", () => {
      check(Query.select({ title: Post.c.title, n: Post.c.views }), {
        sqlite: [`SELECT "posts"."title" AS "title", "posts"."views" AS "n" FROM "posts"`, []],
        postgresql: [`SELECT "posts"."title" AS "title", "posts"."views" AS "n" FROM "posts"`, []],
        mysql: ["SELECT `posts`.`title` AS `title`, `posts`.`views` AS `n` FROM `posts`", []]
      })
    })

    it("a record with an explicit .from()", () => {
      check(Query.select({ n: Fn.count() }).from(Post), {
        sqlite: [`SELECT COUNT(*) AS "n" FROM "posts"`, []],
        postgresql: [`SELECT COUNT(*) AS "n" FROM "posts"`, []],
        mysql: ["SELECT COUNT(*) AS `n` FROM `posts`", []]
      })
    })

    it("a record of expressions over columns: FROM is inferred from the columns inside them", () => {
      for (const dialect of dialects) {
        const { sql } = Query.select({ next: User.c.age.plus(1) }).toSql(dialect)
        assert.match(sql, /FROM ["`]users["`]/, dialect)
      }
    })

    it("a table alias: Query.select(Table.alias(Model, name))", () => {
      const m = Table.alias(Tag, "t")
      check(Query.select(m).where(m.c.uses.gt(3)), {
        sqlite: [`SELECT "t"."id" AS "id", "t"."name" AS "name", "t"."uses" AS "uses" FROM "tags" AS "t" WHERE ("t"."uses" > ?)`, [3]],
        postgresql: [`SELECT "t"."id" AS "id", "t"."name" AS "name", "t"."uses" AS "uses" FROM "tags" AS "t" WHERE ("t"."uses" > $1)`, [3]],
        mysql: ["SELECT `t`.`id` AS `id`, `t`.`name` AS `name`, `t`.`uses` AS `uses` FROM `tags` AS `t` WHERE (`t`.`uses` > ?)", [3]]
      })
    })

    it("distinct", () => {
      check(Query.select({ name: User.c.name }).distinct(), {
        sqlite: [`SELECT DISTINCT "users"."name" AS "name" FROM "users"`, []],
        postgresql: [`SELECT DISTINCT "users"."name" AS "name" FROM "users"`, []],
        mysql: ["SELECT DISTINCT `users`.`name` AS `name` FROM `users`", []]
      })
    })
  })

  describe("WHERE: comparisons", () => {
    it("eq ne gt gte lt lte; several conditions are ANDed; placeholders numbered on PostgreSQL", () => {
      check(
        Query.select({ id: User.c.id }).where(
          User.c.age.eq(1),
          User.c.age.ne(2),
          User.c.age.gt(3),
          User.c.age.gte(4),
          User.c.age.lt(5),
          User.c.age.lte(6)
        ),
        {
          sqlite: [
            `SELECT "users"."id" AS "id" FROM "users" WHERE (((((("users"."age" = ?) AND ("users"."age" <> ?)) AND ("users"."age" > ?)) AND ("users"."age" >= ?)) AND ("users"."age" < ?)) AND ("users"."age" <= ?))`,
            [1, 2, 3, 4, 5, 6]
          ],
          postgresql: [
            `SELECT "users"."id" AS "id" FROM "users" WHERE (((((("users"."age" = $1) AND ("users"."age" <> $2)) AND ("users"."age" > $3)) AND ("users"."age" >= $4)) AND ("users"."age" < $5)) AND ("users"."age" <= $6))`,
            [1, 2, 3, 4, 5, 6]
          ],
          mysql: [
            "SELECT `users`.`id` AS `id` FROM `users` WHERE ((((((`users`.`age` = ?) AND (`users`.`age` <> ?)) AND (`users`.`age` > ?)) AND (`users`.`age` >= ?)) AND (`users`.`age` < ?)) AND (`users`.`age` <= ?))",
            [1, 2, 3, 4, 5, 6]
          ]
        }
      )
    })

    it("calling where twice ANDs the conditions", () => {
      check(Query.select({ id: User.c.id }).where(User.c.age.gt(1)).where(User.c.name.eq("x")), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (("users"."age" > ?) AND ("users"."name" = ?))`, [1, "x"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE (("users"."age" > $1) AND ("users"."name" = $2))`, [1, "x"]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE ((`users`.`age` > ?) AND (`users`.`name` = ?))", [1, "x"]]
      })
    })

    it("a column compared with another column: no parameter", () => {
      check(Query.select({ id: User.c.id }).where(User.c.managerId.eq(User.c.id)), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."manager_id" = "users"."id")`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."manager_id" = "users"."id")`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`manager_id` = `users`.`id`)", []]
      })
    })

    it("isNull / isNotNull", () => {
      check(whereUsers(Expr.and(User.c.age.isNull(), User.c.managerId.isNotNull())), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (("users"."age" IS NULL) AND ("users"."manager_id" IS NOT NULL))`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE (("users"."age" IS NULL) AND ("users"."manager_id" IS NOT NULL))`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE ((`users`.`age` IS NULL) AND (`users`.`manager_id` IS NOT NULL))", []]
      })
    })

    it("between", () => {
      check(whereUsers(User.c.age.between(18, 65)), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."age" BETWEEN ? AND ?)`, [18, 65]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."age" BETWEEN $1 AND $2)`, [18, 65]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`age` BETWEEN ? AND ?)", [18, 65]]
      })
    })
  })

  describe("WHERE: IN", () => {
    it("a list of values: one parameter each", () => {
      check(whereUsers(User.c.id.in([1, 2, 3])), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."id" IN (?, ?, ?))`, [1, 2, 3]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."id" IN ($1, $2, $3))`, [1, 2, 3]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`id` IN (?, ?, ?))", [1, 2, 3]]
      })
    })

    it("notIn a list", () => {
      check(whereUsers(User.c.name.notIn(["a", "b"])), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" NOT IN (?, ?))`, ["a", "b"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" NOT IN ($1, $2))`, ["a", "b"]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`name` NOT IN (?, ?))", ["a", "b"]]
      })
    })

    it("an empty IN list is false, valid SQL everywhere: (1 = 0)", () => {
      check(whereUsers(User.c.id.in([])), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (1 = 0)`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE (1 = 0)`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (1 = 0)", []]
      })
    })

    it("an empty NOT IN list is true: (1 = 1)", () => {
      check(whereUsers(User.c.id.notIn([])), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (1 = 1)`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE (1 = 1)`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (1 = 1)", []]
      })
    })

    it("an empty IN list keeps the numbering of the parameters around it", () => {
      check(whereUsers(Expr.and(User.c.age.gt(1), User.c.id.in([]), User.c.age.lt(9))), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ((("users"."age" > ?) AND (1 = 0)) AND ("users"."age" < ?))`, [1, 9]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ((("users"."age" > $1) AND (1 = 0)) AND ("users"."age" < $2))`, [1, 9]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (((`users`.`age` > ?) AND (1 = 0)) AND (`users`.`age` < ?))", [1, 9]]
      })
    })

    it("a subquery, its parameters numbered in place", () => {
      const authors = Query.select({ a: Post.c.authorId }).where(Post.c.status.eq("published"))
      check(whereUsers(Expr.and(User.c.age.gt(1), User.c.id.in(authors))), {
        sqlite: [
          `SELECT "users"."id" AS "id" FROM "users" WHERE (("users"."age" > ?) AND ("users"."id" IN (SELECT "posts"."author_id" AS "a" FROM "posts" WHERE ("posts"."status" = ?))))`,
          [1, "published"]
        ],
        postgresql: [
          `SELECT "users"."id" AS "id" FROM "users" WHERE (("users"."age" > $1) AND ("users"."id" IN (SELECT "posts"."author_id" AS "a" FROM "posts" WHERE ("posts"."status" = $2))))`,
          [1, "published"]
        ],
        mysql: [
          "SELECT `users`.`id` AS `id` FROM `users` WHERE ((`users`.`age` > ?) AND (`users`.`id` IN (SELECT `posts`.`author_id` AS `a` FROM `posts` WHERE (`posts`.`status` = ?))))",
          [1, "published"]
        ]
      })
    })

    it("notIn a subquery", () => {
      check(whereUsers(User.c.id.notIn(Query.select({ a: Post.c.authorId }))), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."id" NOT IN (SELECT "posts"."author_id" AS "a" FROM "posts"))`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."id" NOT IN (SELECT "posts"."author_id" AS "a" FROM "posts"))`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`id` NOT IN (SELECT `posts`.`author_id` AS `a` FROM `posts`))", []]
      })
    })
  })

  describe("WHERE: LIKE", () => {
    it("like: LIKE, LIKE BINARY on MariaDB (its default collation ignores case)", () => {
      check(whereUsers(User.c.name.like("a%")), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE ?)`, ["a%"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE $1)`, ["a%"]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`name` LIKE BINARY ?)", ["a%"]]
      })
    })

    it("ilike: ILIKE on PostgreSQL, LOWER(x) LIKE LOWER(p) elsewhere", () => {
      check(whereUsers(User.c.name.ilike("B%")), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (LOWER("users"."name") LIKE LOWER(?))`, ["B%"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" ILIKE $1)`, ["B%"]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (LOWER(`users`.`name`) LIKE LOWER(?))", ["B%"]]
      })
    })

    it("like with an escape character and Expr.escapeLike: the escape is a string literal per dialect", () => {
      const pattern = `%${Expr.escapeLike("100%_")}%`
      assert.strictEqual(pattern, "%100\\%\\_%")
      check(whereUsers(User.c.name.like(pattern, { escape: "\\" })), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE ? ESCAPE '\\')`, ["%100\\%\\_%"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE $1 ESCAPE '\\')`, ["%100\\%\\_%"]],
        // MariaDB reads a backslash in a string literal as an escape: the literal is '\\'.
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`name` LIKE BINARY ? ESCAPE '\\\\')", ["%100\\%\\_%"]]
      })
    })

    it("ilike with an escape character", () => {
      check(whereUsers(User.c.name.ilike("%\\_%", { escape: "\\" })), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (LOWER("users"."name") LIKE LOWER(?) ESCAPE '\\')`, ["%\\_%"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" ILIKE $1 ESCAPE '\\')`, ["%\\_%"]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (LOWER(`users`.`name`) LIKE LOWER(?) ESCAPE '\\\\')", ["%\\_%"]]
      })
    })

    it("another escape character; a quote as escape is quoted", () => {
      check(whereUsers(User.c.name.like(`${Expr.escapeLike("50%", "!")}%`, { escape: "!" })), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE ? ESCAPE '!')`, ["50!%%"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE $1 ESCAPE '!')`, ["50!%%"]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`name` LIKE BINARY ? ESCAPE '!')", ["50!%%"]]
      })
      check(whereUsers(User.c.name.like("a'%", { escape: "'" })), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE ? ESCAPE '''')`, ["a'%"]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."name" LIKE $1 ESCAPE '''')`, ["a'%"]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`name` LIKE BINARY ? ESCAPE '''')", ["a'%"]]
      })
    })

    it("Expr.escapeLike escapes %, _ and the escape character itself", () => {
      assert.strictEqual(Expr.escapeLike("100%_"), "100\\%\\_")
      assert.strictEqual(Expr.escapeLike("a\\b"), "a\\\\b")
      assert.strictEqual(Expr.escapeLike("plain"), "plain")
      assert.strictEqual(Expr.escapeLike("50%!", "!"), "50!%!!")
      assert.strictEqual(Expr.escapeLike("a^b]c-d", "^"), "a^^b]c-d")
    })

    it("an escape of more than one character is rejected", () => {
      assert.throws(() => whereUsers(User.c.name.like("x", { escape: "ab" })).toSql("sqlite"), /one character/)
    })

    it("PostgreSQL: like / ilike / lower on an enum (Column.literal) column cast it to text", () => {
      const like = Query.select({ id: Post.c.id }).where(Post.c.status.like("d%")).toSql("postgresql").sql
      const ilike = Query.select({ id: Post.c.id }).where(Post.c.status.ilike("D%")).toSql("postgresql").sql
      const lower = Query.select({ s: Fn.lower(Post.c.status) }).from(Post).toSql("postgresql").sql
      for (const sql of [like, ilike, lower]) assert.match(sql, /"posts"\."status"\s*::\s*text|CAST\("posts"\."status" AS TEXT\)/i)
    })
  })

  describe("expressions", () => {
    it("arithmetic: plus minus times div (true division: the dividend as a double)", () => {
      check(
        Query.select({ a: User.c.age.plus(1), b: User.c.age.minus(2), c: User.c.age.times(3), d: User.c.age.div(4) }).from(User),
        {
          sqlite: [`SELECT ("users"."age" + ?) AS "a", ("users"."age" - ?) AS "b", ("users"."age" * ?) AS "c", (CAST("users"."age" AS REAL) / ?) AS "d" FROM "users"`, [1, 2, 3, 4]],
          postgresql: [
            `SELECT ("users"."age" + $1) AS "a", ("users"."age" - $2) AS "b", ("users"."age" * $3) AS "c", (CAST("users"."age" AS DOUBLE PRECISION) / $4) AS "d" FROM "users"`,
            [1, 2, 3, 4]
          ],
          mysql: ["SELECT (`users`.`age` + ?) AS `a`, (`users`.`age` - ?) AS `b`, (`users`.`age` * ?) AS `c`, (CAST(`users`.`age` AS DOUBLE) / ?) AS `d` FROM `users`", [1, 2, 3, 4]]
        }
      )
    })

    it("arithmetic on a numeric column binds the operand at the column's scale", () => {
      check(Query.select({ b: User.c.balance.times(BigDecimal.unsafeFromString("1.5")) }).from(User), {
        sqlite: [`SELECT ("users"."balance" * ?) AS "b" FROM "users"`, ["1.50"]],
        postgresql: [`SELECT ("users"."balance" * $1) AS "b" FROM "users"`, ["1.50"]],
        mysql: ["SELECT (`users`.`balance` * ?) AS `b` FROM `users`", ["1.50"]]
      })
    })

    it("Expr.and / or / not, nested", () => {
      check(whereUsers(Expr.or(Expr.and(User.c.age.gt(1), User.c.age.lt(9)), Expr.not(User.c.name.eq("x")))), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ((("users"."age" > ?) AND ("users"."age" < ?)) OR (NOT ("users"."name" = ?)))`, [1, 9, "x"]],
        postgresql: [
          `SELECT "users"."id" AS "id" FROM "users" WHERE ((("users"."age" > $1) AND ("users"."age" < $2)) OR (NOT ("users"."name" = $3)))`,
          [1, 9, "x"]
        ],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (((`users`.`age` > ?) AND (`users`.`age` < ?)) OR (NOT (`users`.`name` = ?)))", [1, 9, "x"]]
      })
    })

    it("Expr.and() of nothing is true, Expr.or() of nothing is false (bound booleans)", () => {
      check(whereUsers(Expr.and(Expr.and(), Expr.not(Expr.or()))), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (? AND (NOT ?))`, [1, 0]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE (CAST($1 AS BOOLEAN) AND (NOT CAST($2 AS BOOLEAN)))`, [true, false]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (? AND (NOT ?))", [1, 0]]
      })
    })

    it("Expr.exists / notExists of a correlated subquery", () => {
      const posts = Query.select({ id: Post.c.id }).where(Post.c.authorId.eq(User.c.id))
      check(whereUsers(Expr.exists(posts.where(Post.c.views.gt(10n)))), {
        sqlite: [
          `SELECT "users"."id" AS "id" FROM "users" WHERE (EXISTS (SELECT "posts"."id" AS "id" FROM "posts" WHERE (("posts"."author_id" = "users"."id") AND ("posts"."views" > ?))))`,
          [10n]
        ],
        postgresql: [
          `SELECT "users"."id" AS "id" FROM "users" WHERE (EXISTS (SELECT "posts"."id" AS "id" FROM "posts" WHERE (("posts"."author_id" = "users"."id") AND ("posts"."views" > $1))))`,
          ["10"]
        ],
        mysql: [
          "SELECT `users`.`id` AS `id` FROM `users` WHERE (EXISTS (SELECT `posts`.`id` AS `id` FROM `posts` WHERE ((`posts`.`author_id` = `users`.`id`) AND (`posts`.`views` > ?))))",
          ["10"]
        ]
      })
      check(whereUsers(Expr.notExists(posts)), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE (NOT EXISTS (SELECT "posts"."id" AS "id" FROM "posts" WHERE ("posts"."author_id" = "users"."id")))`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE (NOT EXISTS (SELECT "posts"."id" AS "id" FROM "posts" WHERE ("posts"."author_id" = "users"."id")))`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (NOT EXISTS (SELECT `posts`.`id` AS `id` FROM `posts` WHERE (`posts`.`author_id` = `users`.`id`)))", []]
      })
    })

    it("Expr.case with and without ELSE", () => {
      check(Query.select({ g: Expr.case([[User.c.age.lt(18), "minor"], [User.c.age.lt(65), "adult"]], "senior") }).from(User), {
        sqlite: [`SELECT (CASE WHEN ("users"."age" < ?) THEN ? WHEN ("users"."age" < ?) THEN ? ELSE ? END) AS "g" FROM "users"`, [18, "minor", 65, "adult", "senior"]],
        postgresql: [
          // Plain results are typed: PostgreSQL reads an untyped CASE result as text (a boolean came back as "false").
          `SELECT (CASE WHEN ("users"."age" < $1) THEN CAST($2 AS TEXT) WHEN ("users"."age" < $3) THEN CAST($4 AS TEXT) ELSE CAST($5 AS TEXT) END) AS "g" FROM "users"`,
          [18, "minor", 65, "adult", "senior"]
        ],
        mysql: ["SELECT (CASE WHEN (`users`.`age` < ?) THEN ? WHEN (`users`.`age` < ?) THEN ? ELSE ? END) AS `g` FROM `users`", [18, "minor", 65, "adult", "senior"]]
      })
      check(Query.select({ g: Expr.case([[User.c.active.eq(true), User.c.name]]) }).from(User), {
        sqlite: [`SELECT (CASE WHEN ("users"."active" = ?) THEN "users"."name" END) AS "g" FROM "users"`, [1]],
        postgresql: [`SELECT (CASE WHEN ("users"."active" = $1) THEN "users"."name" END) AS "g" FROM "users"`, [true]],
        mysql: ["SELECT (CASE WHEN (`users`.`active` = ?) THEN `users`.`name` END) AS `g` FROM `users`", [1]]
      })
    })

    it("Expr.literal is a bound parameter, typed on PostgreSQL (a boolean encoded per dialect); Expr.raw is written as is", () => {
      check(Query.select({ one: Expr.literal(1), yes: Expr.literal(true), s: Expr.literal("x"), two: Expr.raw<number>("1 + 1") }).from(User), {
        sqlite: [`SELECT ? AS "one", ? AS "yes", ? AS "s", 1 + 1 AS "two" FROM "users"`, [1, 1, "x"]],
        postgresql: [`SELECT CAST($1 AS INTEGER) AS "one", CAST($2 AS BOOLEAN) AS "yes", CAST($3 AS TEXT) AS "s", 1 + 1 AS "two" FROM "users"`, [1, true, "x"]],
        mysql: ["SELECT ? AS `one`, ? AS `yes`, ? AS `s`, 1 + 1 AS `two` FROM `users`", [1, 1, "x"]]
      })
    })

    it("Expr.raw in a condition", () => {
      check(whereUsers(Expr.raw<boolean>("1 = 1")), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE 1 = 1`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE 1 = 1`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE 1 = 1", []]
      })
    })
  })

  describe("functions", () => {
    it("count(*), count(x), countDistinct, sum, avg, min, max", () => {
      check(
        Query.select({
          all: Fn.count(),
          ages: Fn.count(User.c.age),
          names: Fn.countDistinct(User.c.name),
          total: Fn.sum(User.c.balance),
          mean: Fn.avg(User.c.age),
          youngest: Fn.min(User.c.age),
          latest: Fn.max(User.c.createdAt)
        }).from(User),
        {
          sqlite: [
            `SELECT COUNT(*) AS "all", COUNT("users"."age") AS "ages", COUNT(DISTINCT "users"."name") AS "names", SUM("users"."balance") AS "total", AVG("users"."age") AS "mean", MIN("users"."age") AS "youngest", MAX("users"."created_at") AS "latest" FROM "users"`,
            []
          ],
          postgresql: [
            `SELECT COUNT(*) AS "all", COUNT("users"."age") AS "ages", COUNT(DISTINCT "users"."name") AS "names", SUM("users"."balance") AS "total", AVG("users"."age") AS "mean", MIN("users"."age") AS "youngest", MAX("users"."created_at") AS "latest" FROM "users"`,
            []
          ],
          mysql: [
            "SELECT COUNT(*) AS `all`, COUNT(`users`.`age`) AS `ages`, COUNT(DISTINCT `users`.`name`) AS `names`, SUM(`users`.`balance`) AS `total`, AVG(`users`.`age`) AS `mean`, MIN(`users`.`age`) AS `youngest`, MAX(`users`.`created_at`) AS `latest` FROM `users`",
            []
          ]
        }
      )
    })

    it("coalesce, lower, upper", () => {
      check(Query.select({ age: Fn.coalesce(User.c.age, 0), l: Fn.lower(User.c.name), u: Fn.upper(User.c.name) }).from(User), {
        sqlite: [`SELECT COALESCE("users"."age", ?) AS "age", LOWER("users"."name") AS "l", UPPER("users"."name") AS "u" FROM "users"`, [0]],
        postgresql: [`SELECT COALESCE("users"."age", $1) AS "age", LOWER("users"."name") AS "l", UPPER("users"."name") AS "u" FROM "users"`, [0]],
        mysql: ["SELECT COALESCE(`users`.`age`, ?) AS `age`, LOWER(`users`.`name`) AS `l`, UPPER(`users`.`name`) AS `u` FROM `users`", [0]]
      })
    })

    it("concat: || on SQLite and PostgreSQL, CONCAT(...) on MariaDB", () => {
      check(Query.select({ label: Fn.concat(User.c.name, " <", Fn.upper(User.c.name), ">") }).from(User), {
        sqlite: [`SELECT ("users"."name" || ? || UPPER("users"."name") || ?) AS "label" FROM "users"`, [" <", ">"]],
        postgresql: [`SELECT ("users"."name" || $1 || UPPER("users"."name") || $2) AS "label" FROM "users"`, [" <", ">"]],
        mysql: ["SELECT CONCAT(`users`.`name`, ?, UPPER(`users`.`name`), ?) AS `label` FROM `users`", [" <", ">"]]
      })
    })

    it("now", () => {
      check(Query.select({ id: User.c.id }).where(User.c.createdAt.lt(Fn.now())), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."created_at" < (strftime('%Y-%m-%d %H:%M:%f', 'now')))`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."created_at" < CURRENT_TIMESTAMP)`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`created_at` < (UTC_TIMESTAMP(6)))", []]
      })
    })

    it("window functions: rowNumber, rank, denseRank, sum(x) over a partition, count() over ()", () => {
      check(
        Query.select({
          rn: Fn.rowNumber().over({ partitionBy: [Post.c.authorId], orderBy: [Post.c.id.desc()] }),
          rk: Fn.rank().over({ orderBy: [Post.c.score] }),
          dr: Fn.denseRank().over({ orderBy: [Post.c.score.desc({ nulls: "last" })] }),
          running: Fn.sum(Post.c.score).over({ partitionBy: [Post.c.authorId, Post.c.status], orderBy: [Post.c.id] }),
          all: Fn.count().over()
        }).from(Post),
        {
          sqlite: [
            `SELECT ROW_NUMBER() OVER (PARTITION BY "posts"."author_id" ORDER BY "posts"."id" DESC) AS "rn", RANK() OVER (ORDER BY "posts"."score" ASC) AS "rk", DENSE_RANK() OVER (ORDER BY "posts"."score" DESC NULLS LAST) AS "dr", SUM("posts"."score") OVER (PARTITION BY "posts"."author_id", "posts"."status" ORDER BY "posts"."id" ASC) AS "running", COUNT(*) OVER () AS "all" FROM "posts"`,
            []
          ],
          postgresql: [
            `SELECT ROW_NUMBER() OVER (PARTITION BY "posts"."author_id" ORDER BY "posts"."id" DESC) AS "rn", RANK() OVER (ORDER BY "posts"."score" ASC) AS "rk", DENSE_RANK() OVER (ORDER BY "posts"."score" DESC NULLS LAST) AS "dr", SUM("posts"."score") OVER (PARTITION BY "posts"."author_id", "posts"."status" ORDER BY "posts"."id" ASC) AS "running", COUNT(*) OVER () AS "all" FROM "posts"`,
            []
          ],
          mysql: [
            "SELECT ROW_NUMBER() OVER (PARTITION BY `posts`.`author_id` ORDER BY `posts`.`id` DESC) AS `rn`, RANK() OVER (ORDER BY `posts`.`score` ASC) AS `rk`, DENSE_RANK() OVER (ORDER BY `posts`.`score` IS NULL ASC, `posts`.`score` DESC) AS `dr`, SUM(`posts`.`score`) OVER (PARTITION BY `posts`.`author_id`, `posts`.`status` ORDER BY `posts`.`id` ASC) AS `running`, COUNT(*) OVER () AS `all` FROM `posts`",
            []
          ]
        }
      )
    })
  })

  describe("joins", () => {
    it("join and leftJoin", () => {
      check(
        Query.select({ title: Post.c.title, author: User.c.name, tag: Tag.c.name })
          .from(Post)
          .join(User, Post.c.authorId.eq(User.c.id))
          .leftJoin(Tag, Tag.c.name.eq(Post.c.title)),
        {
          sqlite: [
            `SELECT "posts"."title" AS "title", "users"."name" AS "author", "tags"."name" AS "tag" FROM "posts" JOIN "users" ON ("posts"."author_id" = "users"."id") LEFT JOIN "tags" ON ("tags"."name" = "posts"."title")`,
            []
          ],
          postgresql: [
            `SELECT "posts"."title" AS "title", "users"."name" AS "author", "tags"."name" AS "tag" FROM "posts" JOIN "users" ON ("posts"."author_id" = "users"."id") LEFT JOIN "tags" ON ("tags"."name" = "posts"."title")`,
            []
          ],
          mysql: [
            "SELECT `posts`.`title` AS `title`, `users`.`name` AS `author`, `tags`.`name` AS `tag` FROM `posts` JOIN `users` ON (`posts`.`author_id` = `users`.`id`) LEFT JOIN `tags` ON (`tags`.`name` = `posts`.`title`)",
            []
          ]
        }
      )
    })

    it("a self-join through Table.alias, with a parameter in ON", () => {
      const m = Table.alias(User, "m")
      check(
        Query.select({ name: User.c.name, manager: m.c.name })
          .from(User)
          .leftJoin(m, Expr.and(User.c.managerId.eq(m.c.id), m.c.active.eq(true)))
          .where(User.c.age.gt(30)),
        {
          sqlite: [
            `SELECT "users"."name" AS "name", "m"."name" AS "manager" FROM "users" LEFT JOIN "users" AS "m" ON (("users"."manager_id" = "m"."id") AND ("m"."active" = ?)) WHERE ("users"."age" > ?)`,
            [1, 30]
          ],
          postgresql: [
            `SELECT "users"."name" AS "name", "m"."name" AS "manager" FROM "users" LEFT JOIN "users" AS "m" ON (("users"."manager_id" = "m"."id") AND ("m"."active" = $1)) WHERE ("users"."age" > $2)`,
            [true, 30]
          ],
          mysql: [
            "SELECT `users`.`name` AS `name`, `m`.`name` AS `manager` FROM `users` LEFT JOIN `users` AS `m` ON ((`users`.`manager_id` = `m`.`id`) AND (`m`.`active` = ?)) WHERE (`users`.`age` > ?)",
            [1, 30]
          ]
        }
      )
    })
  })

  describe("grouping and ordering", () => {
    it("groupBy and having", () => {
      check(
        Query.select({ author: Post.c.authorId, n: Fn.count() })
          .groupBy(Post.c.authorId)
          .having(Fn.count().gt(2), Fn.max(Post.c.score).lt(9.5)),
        {
          sqlite: [
            `SELECT "posts"."author_id" AS "author", COUNT(*) AS "n" FROM "posts" GROUP BY "posts"."author_id" HAVING ((COUNT(*) > ?) AND (MAX("posts"."score") < ?))`,
            [2, 9.5]
          ],
          postgresql: [
            `SELECT "posts"."author_id" AS "author", COUNT(*) AS "n" FROM "posts" GROUP BY "posts"."author_id" HAVING ((COUNT(*) > $1) AND (MAX("posts"."score") < $2))`,
            [2, 9.5]
          ],
          mysql: [
            "SELECT `posts`.`author_id` AS `author`, COUNT(*) AS `n` FROM `posts` GROUP BY `posts`.`author_id` HAVING ((COUNT(*) > ?) AND (MAX(`posts`.`score`) < ?))",
            [2, 9.5]
          ]
        }
      )
    })

    it("orderBy: a bare expression is ASC; asc(), desc()", () => {
      check(Query.select({ id: User.c.id }).orderBy(User.c.name, User.c.id.asc(), Fn.lower(User.c.name).desc()), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."name" ASC, "users"."id" ASC, LOWER("users"."name") DESC`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."name" ASC, "users"."id" ASC, LOWER("users"."name") DESC`, []],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` ORDER BY `users`.`name` ASC, `users`.`id` ASC, LOWER(`users`.`name`) DESC", []]
      })
    })

    it("NULLS FIRST / LAST: native on SQLite and PostgreSQL, `x IS NULL` first on MariaDB", () => {
      check(Query.select({ id: User.c.id }).orderBy(User.c.age.desc({ nulls: "last" }), User.c.managerId.asc({ nulls: "first" })), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."age" DESC NULLS LAST, "users"."manager_id" ASC NULLS FIRST`, []],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" ORDER BY "users"."age" DESC NULLS LAST, "users"."manager_id" ASC NULLS FIRST`, []],
        mysql: [
          "SELECT `users`.`id` AS `id` FROM `users` ORDER BY `users`.`age` IS NULL ASC, `users`.`age` DESC, `users`.`manager_id` IS NULL DESC, `users`.`manager_id` ASC",
          []
        ]
      })
    })

    it("limit and offset are bound parameters", () => {
      check(Query.select({ id: User.c.id }).where(User.c.age.gt(1)).orderBy(User.c.id).limit(10).offset(20), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."age" > ?) ORDER BY "users"."id" ASC LIMIT ? OFFSET ?`, [1, 10, 20]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."age" > $1) ORDER BY "users"."id" ASC LIMIT $2 OFFSET $3`, [1, 10, 20]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`age` > ?) ORDER BY `users`.`id` ASC LIMIT ? OFFSET ?", [1, 10, 20]]
      })
    })

    it("limit alone", () => {
      check(Query.select({ id: User.c.id }).limit(5), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" LIMIT ?`, [5]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" LIMIT $1`, [5]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` LIMIT ?", [5]]
      })
    })

    it("offset without limit: LIMIT -1 on SQLite, the largest LIMIT on MariaDB", () => {
      check(Query.select({ id: User.c.id }).offset(5), {
        sqlite: [`SELECT "users"."id" AS "id" FROM "users" LIMIT -1 OFFSET ?`, [5]],
        postgresql: [`SELECT "users"."id" AS "id" FROM "users" OFFSET $1`, [5]],
        mysql: ["SELECT `users`.`id` AS `id` FROM `users` LIMIT 18446744073709551615 OFFSET ?", [5]]
      })
    })
  })

  describe("compound selects", () => {
    const older = Query.select({ name: User.c.name }).where(User.c.age.gt(30))
    const tags = Query.select({ name: Tag.c.name }).where(Tag.c.uses.gt(0))

    it("union, ordered and limited as a whole by output column", () => {
      check(older.union(tags).orderBy(User.c.name.desc()).limit(3), {
        sqlite: [
          `SELECT "users"."name" AS "name" FROM "users" WHERE ("users"."age" > ?) UNION SELECT "tags"."name" AS "name" FROM "tags" WHERE ("tags"."uses" > ?) ORDER BY "name" DESC LIMIT ?`,
          [30, 0, 3]
        ],
        postgresql: [
          `SELECT "users"."name" AS "name" FROM "users" WHERE ("users"."age" > $1) UNION SELECT "tags"."name" AS "name" FROM "tags" WHERE ("tags"."uses" > $2) ORDER BY "name" DESC LIMIT $3`,
          [30, 0, 3]
        ],
        mysql: [
          "SELECT `users`.`name` AS `name` FROM `users` WHERE (`users`.`age` > ?) UNION SELECT `tags`.`name` AS `name` FROM `tags` WHERE (`tags`.`uses` > ?) ORDER BY `name` DESC LIMIT ?",
          [30, 0, 3]
        ]
      })
    })

    it("unionAll, chained, with offset", () => {
      check(older.unionAll(tags).unionAll(Query.select({ name: Post.c.title })).orderBy(User.c.name).offset(2), {
        sqlite: [
          `SELECT "users"."name" AS "name" FROM "users" WHERE ("users"."age" > ?) UNION ALL SELECT "tags"."name" AS "name" FROM "tags" WHERE ("tags"."uses" > ?) UNION ALL SELECT "posts"."title" AS "name" FROM "posts" ORDER BY "name" ASC LIMIT -1 OFFSET ?`,
          [30, 0, 2]
        ],
        postgresql: [
          `SELECT "users"."name" AS "name" FROM "users" WHERE ("users"."age" > $1) UNION ALL SELECT "tags"."name" AS "name" FROM "tags" WHERE ("tags"."uses" > $2) UNION ALL SELECT "posts"."title" AS "name" FROM "posts" ORDER BY "name" ASC OFFSET $3`,
          [30, 0, 2]
        ],
        mysql: [
          "SELECT `users`.`name` AS `name` FROM `users` WHERE (`users`.`age` > ?) UNION ALL SELECT `tags`.`name` AS `name` FROM `tags` WHERE (`tags`.`uses` > ?) UNION ALL SELECT `posts`.`title` AS `name` FROM `posts` ORDER BY `name` ASC LIMIT 18446744073709551615 OFFSET ?",
          [30, 0, 2]
        ]
      })
    })

    it("a member's own ORDER BY / LIMIT is kept (or rejected), never silently dropped", () => {
      const newestUser = Query.select({ name: User.c.name }).orderBy(User.c.id.desc()).limit(1)
      const newestTag = Query.select({ name: Tag.c.name }).orderBy(Tag.c.id.desc()).limit(1)
      for (const dialect of dialects) {
        let kept: boolean
        try {
          const { params, sql } = newestUser.unionAll(newestTag).toSql(dialect)
          kept = params.length === 2 && /LIMIT/.test(sql)
        } catch {
          kept = true
        }
        assert.isTrue(kept, dialect)
      }
    })
  })

  describe("one value, one parameter", () => {
    it("PostgreSQL reuses $n for a value node that appears twice (select list and GROUP BY); ? dialects bind it twice", () => {
      const adult = User.c.age.gte(18)
      const q = Query.select({ adult, n: Fn.count() }).from(User).groupBy(adult)
      assert.deepStrictEqual(q.toSql("postgresql"), {
        sql: `SELECT ("users"."age" >= $1) AS "adult", COUNT(*) AS "n" FROM "users" GROUP BY ("users"."age" >= $1)`,
        params: [18]
      })
      assert.deepStrictEqual(q.toSql("sqlite"), {
        sql: `SELECT ("users"."age" >= ?) AS "adult", COUNT(*) AS "n" FROM "users" GROUP BY ("users"."age" >= ?)`,
        params: [18, 18]
      })
    })
  })

  describe("subqueries", () => {
    it("in FROM via .as(), its columns through .c", () => {
      const perAuthor = Query.select({ author: Post.c.authorId, n: Fn.count() }).where(Post.c.status.eq("published")).groupBy(Post.c.authorId).as("per_author")
      check(
        Query.select({ name: User.c.name, n: perAuthor.c.n })
          .from(perAuthor)
          .join(User, User.c.id.eq(perAuthor.c.author))
          .where(perAuthor.c.n.gt(1))
          .orderBy(perAuthor.c.n.desc()),
        {
          sqlite: [
            `SELECT "users"."name" AS "name", "per_author"."n" AS "n" FROM (SELECT "posts"."author_id" AS "author", COUNT(*) AS "n" FROM "posts" WHERE ("posts"."status" = ?) GROUP BY "posts"."author_id") AS "per_author" JOIN "users" ON ("users"."id" = "per_author"."author") WHERE ("per_author"."n" > ?) ORDER BY "per_author"."n" DESC`,
            ["published", 1]
          ],
          postgresql: [
            `SELECT "users"."name" AS "name", "per_author"."n" AS "n" FROM (SELECT "posts"."author_id" AS "author", COUNT(*) AS "n" FROM "posts" WHERE ("posts"."status" = $1) GROUP BY "posts"."author_id") AS "per_author" JOIN "users" ON ("users"."id" = "per_author"."author") WHERE ("per_author"."n" > $2) ORDER BY "per_author"."n" DESC`,
            ["published", 1]
          ],
          mysql: [
            "SELECT `users`.`name` AS `name`, `per_author`.`n` AS `n` FROM (SELECT `posts`.`author_id` AS `author`, COUNT(*) AS `n` FROM `posts` WHERE (`posts`.`status` = ?) GROUP BY `posts`.`author_id`) AS `per_author` JOIN `users` ON (`users`.`id` = `per_author`.`author`) WHERE (`per_author`.`n` > ?) ORDER BY `per_author`.`n` DESC",
            ["published", 1]
          ]
        }
      )
    })

    it("scalar subqueries in the selection and in WHERE", () => {
      const postCount = Query.select({ n: Fn.count() }).from(Post).where(Post.c.authorId.eq(User.c.id)).scalar()
      const minAge = Query.select({ a: Fn.min(User.c.age) }).from(User).where(User.c.active.eq(true)).scalar()
      check(Query.select({ name: User.c.name, posts: postCount }).where(User.c.age.gt(minAge)), {
        sqlite: [
          `SELECT "users"."name" AS "name", (SELECT COUNT(*) AS "n" FROM "posts" WHERE ("posts"."author_id" = "users"."id")) AS "posts" FROM "users" WHERE ("users"."age" > (SELECT MIN("users"."age") AS "a" FROM "users" WHERE ("users"."active" = ?)))`,
          [1]
        ],
        postgresql: [
          `SELECT "users"."name" AS "name", (SELECT COUNT(*) AS "n" FROM "posts" WHERE ("posts"."author_id" = "users"."id")) AS "posts" FROM "users" WHERE ("users"."age" > (SELECT MIN("users"."age") AS "a" FROM "users" WHERE ("users"."active" = $1)))`,
          [true]
        ],
        mysql: [
          "SELECT `users`.`name` AS `name`, (SELECT COUNT(*) AS `n` FROM `posts` WHERE (`posts`.`author_id` = `users`.`id`)) AS `posts` FROM `users` WHERE (`users`.`age` > (SELECT MIN(`users`.`age`) AS `a` FROM `users` WHERE (`users`.`active` = ?)))",
          [1]
        ]
      })
    })

    it("scalar() needs a one-column query", () => {
      assert.throws(() => Query.select({ a: User.c.id, b: User.c.name }).scalar(), /one column/)
    })
  })

  describe("CTEs", () => {
    it("Query.with: the WITH clause comes first, its parameters numbered first", () => {
      const busy = Query.with("busy", Query.select({ id: Post.c.id, author: Post.c.authorId }).where(Post.c.score.gt(5)))
      check(Query.select({ name: User.c.name, post: busy.c.id }).from(User).join(busy, busy.c.author.eq(User.c.id)).where(User.c.age.lt(40)), {
        sqlite: [
          `WITH "busy" ("id", "author") AS (SELECT "posts"."id" AS "id", "posts"."author_id" AS "author" FROM "posts" WHERE ("posts"."score" > ?)) SELECT "users"."name" AS "name", "busy"."id" AS "post" FROM "users" JOIN "busy" ON ("busy"."author" = "users"."id") WHERE ("users"."age" < ?)`,
          [5, 40]
        ],
        postgresql: [
          `WITH "busy" ("id", "author") AS (SELECT "posts"."id" AS "id", "posts"."author_id" AS "author" FROM "posts" WHERE ("posts"."score" > $1)) SELECT "users"."name" AS "name", "busy"."id" AS "post" FROM "users" JOIN "busy" ON ("busy"."author" = "users"."id") WHERE ("users"."age" < $2)`,
          [5, 40]
        ],
        mysql: [
          "WITH `busy` (`id`, `author`) AS (SELECT `posts`.`id` AS `id`, `posts`.`author_id` AS `author` FROM `posts` WHERE (`posts`.`score` > ?)) SELECT `users`.`name` AS `name`, `busy`.`id` AS `post` FROM `users` JOIN `busy` ON (`busy`.`author` = `users`.`id`) WHERE (`users`.`age` < ?)",
          [5, 40]
        ]
      })
    })

    it("a CTE used only in a subquery is still written once, at the top", () => {
      const young = Query.with("young", Query.select({ id: User.c.id }).where(User.c.age.lt(20)))
      check(Query.select({ title: Post.c.title }).where(Post.c.authorId.in(Query.select({ id: young.c.id }).from(young))), {
        sqlite: [
          `WITH "young" ("id") AS (SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."age" < ?)) SELECT "posts"."title" AS "title" FROM "posts" WHERE ("posts"."author_id" IN (SELECT "young"."id" AS "id" FROM "young"))`,
          [20]
        ],
        postgresql: [
          `WITH "young" ("id") AS (SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."age" < $1)) SELECT "posts"."title" AS "title" FROM "posts" WHERE ("posts"."author_id" IN (SELECT "young"."id" AS "id" FROM "young"))`,
          [20]
        ],
        mysql: [
          "WITH `young` (`id`) AS (SELECT `users`.`id` AS `id` FROM `users` WHERE (`users`.`age` < ?)) SELECT `posts`.`title` AS `title` FROM `posts` WHERE (`posts`.`author_id` IN (SELECT `young`.`id` AS `id` FROM `young`))",
          [20]
        ]
      })
    })

    it("Query.withRecursive: WITH RECURSIVE base UNION ALL step", () => {
      const chain = Query.withRecursive(
        "chain",
        Query.select({ id: User.c.id, depth: Expr.literal(1) }).where(User.c.id.eq(1)),
        (self) => Query.select({ id: User.c.id, depth: self.c.depth.plus(1) }).from(User).join(self, User.c.managerId.eq(self.c.id))
      )
      check(Query.select({ id: chain.c.id, depth: chain.c.depth }).from(chain).where(chain.c.depth.lt(5)), {
        sqlite: [
          `WITH RECURSIVE "chain" ("id", "depth") AS (SELECT "users"."id" AS "id", ? AS "depth" FROM "users" WHERE ("users"."id" = ?) UNION ALL SELECT "users"."id" AS "id", ("chain"."depth" + ?) AS "depth" FROM "users" JOIN "chain" ON ("users"."manager_id" = "chain"."id")) SELECT "chain"."id" AS "id", "chain"."depth" AS "depth" FROM "chain" WHERE ("chain"."depth" < ?)`,
          [1, 1, 1, 5]
        ],
        postgresql: [
          `WITH RECURSIVE "chain" ("id", "depth") AS (SELECT "users"."id" AS "id", CAST($1 AS INTEGER) AS "depth" FROM "users" WHERE ("users"."id" = $2) UNION ALL SELECT "users"."id" AS "id", ("chain"."depth" + $3) AS "depth" FROM "users" JOIN "chain" ON ("users"."manager_id" = "chain"."id")) SELECT "chain"."id" AS "id", "chain"."depth" AS "depth" FROM "chain" WHERE ("chain"."depth" < $4)`,
          [1, 1, 1, 5]
        ],
        mysql: [
          "WITH RECURSIVE `chain` (`id`, `depth`) AS (SELECT `users`.`id` AS `id`, ? AS `depth` FROM `users` WHERE (`users`.`id` = ?) UNION ALL SELECT `users`.`id` AS `id`, (`chain`.`depth` + ?) AS `depth` FROM `users` JOIN `chain` ON (`users`.`manager_id` = `chain`.`id`)) SELECT `chain`.`id` AS `id`, `chain`.`depth` AS `depth` FROM `chain` WHERE (`chain`.`depth` < ?)",
          [1, 1, 1, 5]
        ]
      })
    })
  })

  describe("INSERT", () => {
    it("multi-row, each value encoded for its column and dialect (boolean, numeric, timestamp, NULL)", () => {
      const q = Query.insert(User).values([
        { name: "a", age: 1, active: false, balance: BigDecimal.unsafeFromString("12.5"), createdAt: micro },
        { name: "b", age: null, active: true, balance: BigDecimal.unsafeFromString("1"), createdAt: noon }
      ])
      check(q, {
        sqlite: [
          `INSERT INTO "users" ("name", "age", "active", "balance", "created_at") VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)`,
          ["a", 1, 0, "12.50", "2024-01-02 03:04:05.678901", "b", null, 1, "1.00", "2024-01-02 03:04:05"]
        ],
        postgresql: [
          `INSERT INTO "users" ("name", "age", "active", "balance", "created_at") VALUES ($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10)`,
          ["a", 1, false, "12.50", "2024-01-02 03:04:05.678901", "b", null, true, "1.00", "2024-01-02 03:04:05"]
        ],
        mysql: [
          "INSERT INTO `users` (`name`, `age`, `active`, `balance`, `created_at`) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)",
          ["a", 1, 0, "12.50", "2024-01-02 03:04:05.678901", "b", null, 1, "1.00", "2024-01-02 03:04:05"]
        ]
      })
      for (const dialect of dialects) assert.deepStrictEqual(q.toSqlAll(dialect), [q.toSql(dialect)], dialect)
    })

    it("client defaults are filled; a bigint and a timestamp with time zone are encoded per dialect", () => {
      check(Query.insert(Post).values({ authorId: 1, title: "t", status: "draft", views: 9007199254740993n, publishedAt: micro }), {
        sqlite: [
          `INSERT INTO "posts" ("author_id", "title", "status", "views", "published_at") VALUES (?, ?, ?, ?, ?)`,
          [1, "t", "draft", 9007199254740993n, "2024-01-02 03:04:05.678901"]
        ],
        postgresql: [
          `INSERT INTO "posts" ("author_id", "title", "status", "views", "published_at") VALUES ($1, $2, $3, $4, $5)`,
          [1, "t", "draft", "9007199254740993", "2024-01-02 03:04:05.678901+00"]
        ],
        mysql: [
          "INSERT INTO `posts` (`author_id`, `title`, `status`, `views`, `published_at`) VALUES (?, ?, ?, ?, ?)",
          [1, "t", "draft", "9007199254740993", "2024-01-02 03:04:05.678901"]
        ]
      })
      check(Query.insert(Tag).values({ name: "x" }), {
        sqlite: [`INSERT INTO "tags" ("name", "uses") VALUES (?, ?)`, ["x", 0]],
        postgresql: [`INSERT INTO "tags" ("name", "uses") VALUES ($1, $2)`, ["x", 0]],
        mysql: ["INSERT INTO `tags` (`name`, `uses`) VALUES (?, ?)", ["x", 0]]
      })
    })

    it("toSqlAll: rows that set different columns go in separate statements", () => {
      const q = Query.insert(User).values([{ name: "a" }, { name: "b" }, { name: "c", age: 3 }])
      const zero = "0.00"
      assert.deepStrictEqual(q.toSqlAll("sqlite"), [
        { sql: `INSERT INTO "users" ("name", "active", "balance") VALUES (?, ?, ?), (?, ?, ?)`, params: ["a", 1, zero, "b", 1, zero] },
        { sql: `INSERT INTO "users" ("name", "age", "active", "balance") VALUES (?, ?, ?, ?)`, params: ["c", 3, 1, zero] }
      ])
      assert.deepStrictEqual(q.toSqlAll("postgresql"), [
        { sql: `INSERT INTO "users" ("name", "active", "balance") VALUES ($1, $2, $3), ($4, $5, $6)`, params: ["a", true, zero, "b", true, zero] },
        { sql: `INSERT INTO "users" ("name", "age", "active", "balance") VALUES ($1, $2, $3, $4)`, params: ["c", 3, true, zero] }
      ])
      assert.deepStrictEqual(q.toSqlAll("mysql"), [
        { sql: "INSERT INTO `users` (`name`, `active`, `balance`) VALUES (?, ?, ?), (?, ?, ?)", params: ["a", 1, zero, "b", 1, zero] },
        { sql: "INSERT INTO `users` (`name`, `age`, `active`, `balance`) VALUES (?, ?, ?, ?)", params: ["c", 3, 1, zero] }
      ])
      // toSql shows the first statement.
      assert.deepStrictEqual(q.toSql("sqlite"), q.toSqlAll("sqlite")[0])
    })

    it("an explicit identity value is one statement; PostgreSQL's sequence is resynced when next needed", () => {
      const q = Query.insert(Tag).values({ id: 7, name: "x" })
      assert.strictEqual(q.toSqlAll("sqlite").length, 1)
      assert.strictEqual(q.toSqlAll("mysql").length, 1)
      const pg = q.toSqlAll("postgresql")
      assert.deepStrictEqual(pg, [{ sql: `INSERT INTO "tags" ("id", "name", "uses") VALUES ($1, $2, $3)`, params: [7, "x", 0] }])
      // The resync itself runs at execution, once, before the next insert that takes a generated id.
      const sync = Dialect.postgres.compiler.syncIdentity!("tags", "id")
      assert.deepStrictEqual(sync, {
        sql: `SELECT setval(s, GREATEST((SELECT MAX("id") FROM "tags"), COALESCE(pg_sequence_last_value(s::regclass), 1), 1)) FROM (SELECT pg_get_serial_sequence($1, $2) AS s) AS seq`,
        params: [`"tags"`, "id"]
      })
    })

    it("rows with no values: DEFAULT VALUES, `() VALUES ()` on MariaDB, one statement per row", () => {
      const q = Query.insert(Stamp).values([{}, {}])
      check(q, {
        sqlite: [`INSERT INTO "stamps" DEFAULT VALUES`, []],
        postgresql: [`INSERT INTO "stamps" DEFAULT VALUES`, []],
        mysql: ["INSERT INTO `stamps` () VALUES ()", []]
      })
      for (const dialect of dialects) assert.strictEqual(q.toSqlAll(dialect).length, 2, dialect)
    })

    it("onConflict doNothing: ON CONFLICT … DO NOTHING; MariaDB assigns the key to itself", () => {
      check(Query.insert(Tag).values({ name: "x" }).onConflict({ target: [Tag.c.name], doNothing: true }), {
        sqlite: [`INSERT INTO "tags" ("name", "uses") VALUES (?, ?) ON CONFLICT ("name") DO NOTHING`, ["x", 0]],
        postgresql: [`INSERT INTO "tags" ("name", "uses") VALUES ($1, $2) ON CONFLICT ("name") DO NOTHING`, ["x", 0]],
        mysql: ["INSERT INTO `tags` (`name`, `uses`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `id` = `id`", ["x", 0]]
      })
    })

    it("onConflict doUpdate with Query.excluded: EXCLUDED.x / excluded.x / VALUES(x)", () => {
      check(
        Query.insert(Tag).values([{ name: "x", uses: 1 }, { name: "y", uses: 2 }]).onConflict({
          target: [Tag.c.name],
          doUpdate: { uses: Tag.c.uses.plus(Query.excluded(Tag.c.uses)) }
        }),
        {
          sqlite: [`INSERT INTO "tags" ("name", "uses") VALUES (?, ?), (?, ?) ON CONFLICT ("name") DO UPDATE SET "uses" = ("tags"."uses" + excluded."uses")`, ["x", 1, "y", 2]],
          postgresql: [
            `INSERT INTO "tags" ("name", "uses") VALUES ($1, $2), ($3, $4) ON CONFLICT ("name") DO UPDATE SET "uses" = ("tags"."uses" + EXCLUDED."uses")`,
            ["x", 1, "y", 2]
          ],
          mysql: ["INSERT INTO `tags` (`name`, `uses`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `uses` = (`tags`.`uses` + VALUES(`uses`))", ["x", 1, "y", 2]]
        }
      )
    })

    it("onConflict doUpdate with values: numbered after the VALUES", () => {
      check(
        Query.insert(Tag).values({ name: "x", uses: 1 }).onConflict({ target: [Tag.c.name], doUpdate: { name: "renamed", uses: Tag.c.uses.plus(1) } }),
        {
          sqlite: [`INSERT INTO "tags" ("name", "uses") VALUES (?, ?) ON CONFLICT ("name") DO UPDATE SET "name" = ?, "uses" = ("tags"."uses" + ?)`, ["x", 1, "renamed", 1]],
          postgresql: [
            `INSERT INTO "tags" ("name", "uses") VALUES ($1, $2) ON CONFLICT ("name") DO UPDATE SET "name" = $3, "uses" = ("tags"."uses" + $4)`,
            ["x", 1, "renamed", 1]
          ],
          mysql: ["INSERT INTO `tags` (`name`, `uses`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = ?, `uses` = (`tags`.`uses` + ?)", ["x", 1, "renamed", 1]]
        }
      )
    })

    it("returning a model or a shape: unqualified columns", () => {
      check(Query.insert(Tag).values({ name: "x" }).returning(Tag), {
        sqlite: [`INSERT INTO "tags" ("name", "uses") VALUES (?, ?) RETURNING "id" AS "id", "name" AS "name", "uses" AS "uses"`, ["x", 0]],
        postgresql: [`INSERT INTO "tags" ("name", "uses") VALUES ($1, $2) RETURNING "id" AS "id", "name" AS "name", "uses" AS "uses"`, ["x", 0]],
        mysql: ["INSERT INTO `tags` (`name`, `uses`) VALUES (?, ?) RETURNING `id` AS `id`, `name` AS `name`, `uses` AS `uses`", ["x", 0]]
      })
      check(Query.insert(User).values({ name: "x" }).returning({ id: User.c.id, created: User.c.createdAt }), {
        sqlite: [`INSERT INTO "users" ("name", "active", "balance") VALUES (?, ?, ?) RETURNING "id" AS "id", "created_at" AS "created"`, ["x", 1, "0.00"]],
        postgresql: [`INSERT INTO "users" ("name", "active", "balance") VALUES ($1, $2, $3) RETURNING "id" AS "id", "created_at" AS "created"`, ["x", true, "0.00"]],
        mysql: ["INSERT INTO `users` (`name`, `active`, `balance`) VALUES (?, ?, ?) RETURNING `id` AS `id`, `created_at` AS `created`", ["x", 1, "0.00"]]
      })
    })

    it("an invalid row is rejected when compiled, naming the column", () => {
      assert.throws(() => Query.insert(Tag).values({ name: "x".repeat(21) }).toSql("sqlite"), /tags/)
    })
  })

  describe("UPDATE", () => {
    it("set a value and an expression, with where", () => {
      check(Query.update(Tag).set({ uses: Tag.c.uses.plus(1), name: "y" }).where(Tag.c.id.eq(3)), {
        sqlite: [`UPDATE "tags" SET "uses" = ("tags"."uses" + ?), "name" = ? WHERE ("tags"."id" = ?)`, [1, "y", 3]],
        postgresql: [`UPDATE "tags" SET "uses" = ("tags"."uses" + $1), "name" = $2 WHERE ("tags"."id" = $3)`, [1, "y", 3]],
        mysql: ["UPDATE `tags` SET `uses` = (`tags`.`uses` + ?), `name` = ? WHERE (`tags`.`id` = ?)", [1, "y", 3]]
      })
    })

    it("values encoded per column and dialect; NULL; database column names", () => {
      check(
        Query.update(User)
          .set({ active: false, balance: BigDecimal.unsafeFromString("12.5"), createdAt: micro, managerId: null })
          .where(User.c.active.eq(true), User.c.createdAt.lt(noon)),
        {
          sqlite: [
            `UPDATE "users" SET "active" = ?, "balance" = ?, "created_at" = ?, "manager_id" = ? WHERE (("users"."active" = ?) AND ("users"."created_at" < ?))`,
            [0, "12.50", "2024-01-02 03:04:05.678901", null, 1, "2024-01-02 03:04:05"]
          ],
          postgresql: [
            `UPDATE "users" SET "active" = $1, "balance" = $2, "created_at" = $3, "manager_id" = $4 WHERE (("users"."active" = $5) AND ("users"."created_at" < $6))`,
            [false, "12.50", "2024-01-02 03:04:05.678901", null, true, "2024-01-02 03:04:05"]
          ],
          mysql: [
            "UPDATE `users` SET `active` = ?, `balance` = ?, `created_at` = ?, `manager_id` = ? WHERE ((`users`.`active` = ?) AND (`users`.`created_at` < ?))",
            [0, "12.50", "2024-01-02 03:04:05.678901", null, 1, "2024-01-02 03:04:05"]
          ]
        }
      )
    })

    it("set twice accumulates; no where updates every row", () => {
      check(Query.update(Tag).set({ name: "a" }).set({ uses: 0 }), {
        sqlite: [`UPDATE "tags" SET "name" = ?, "uses" = ?`, ["a", 0]],
        postgresql: [`UPDATE "tags" SET "name" = $1, "uses" = $2`, ["a", 0]],
        mysql: ["UPDATE `tags` SET `name` = ?, `uses` = ?", ["a", 0]]
      })
    })

    it("returning (SQLite, PostgreSQL; MariaDB has no UPDATE … RETURNING and Query.execute emulates it)", () => {
      const q = Query.update(Tag).set({ uses: 0 }).where(Tag.c.id.eq(3)).returning({ id: Tag.c.id, uses: Tag.c.uses })
      assert.deepStrictEqual(q.toSql("sqlite"), {
        sql: `UPDATE "tags" SET "uses" = ? WHERE ("tags"."id" = ?) RETURNING "id" AS "id", "uses" AS "uses"`,
        params: [0, 3]
      })
      assert.deepStrictEqual(q.toSql("postgresql"), {
        sql: `UPDATE "tags" SET "uses" = $1 WHERE ("tags"."id" = $2) RETURNING "id" AS "id", "uses" AS "uses"`,
        params: [0, 3]
      })
    })

    it("an UPDATE with nothing to set is rejected when compiled", () => {
      for (const dialect of dialects) {
        assert.throws(() => Query.update(Tag).set({}).where(Tag.c.id.eq(1)).toSql(dialect), undefined, undefined, dialect)
      }
    })

    it("set rejects a field the model does not have", () => {
      assert.throws(() => Query.update(Tag).set({ nope: 1 } as any), /nope/)
    })
  })

  describe("DELETE", () => {
    it("with where", () => {
      check(Query.delete(Tag).where(Tag.c.uses.eq(0), Tag.c.name.like("tmp%")), {
        sqlite: [`DELETE FROM "tags" WHERE (("tags"."uses" = ?) AND ("tags"."name" LIKE ?))`, [0, "tmp%"]],
        postgresql: [`DELETE FROM "tags" WHERE (("tags"."uses" = $1) AND ("tags"."name" LIKE $2))`, [0, "tmp%"]],
        mysql: ["DELETE FROM `tags` WHERE ((`tags`.`uses` = ?) AND (`tags`.`name` LIKE BINARY ?))", [0, "tmp%"]]
      })
    })

    it("without where", () => {
      check(Query.delete(Tag), {
        sqlite: [`DELETE FROM "tags"`, []],
        postgresql: [`DELETE FROM "tags"`, []],
        mysql: ["DELETE FROM `tags`", []]
      })
    })

    it("returning", () => {
      check(Query.delete(Tag).where(Tag.c.id.in([1, 2])).returning(Tag), {
        sqlite: [`DELETE FROM "tags" WHERE ("tags"."id" IN (?, ?)) RETURNING "id" AS "id", "name" AS "name", "uses" AS "uses"`, [1, 2]],
        postgresql: [`DELETE FROM "tags" WHERE ("tags"."id" IN ($1, $2)) RETURNING "id" AS "id", "name" AS "name", "uses" AS "uses"`, [1, 2]],
        mysql: ["DELETE FROM `tags` WHERE (`tags`.`id` IN (?, ?)) RETURNING `id` AS `id`, `name` AS `name`, `uses` AS `uses`", [1, 2]]
      })
    })
  })

  describe("parameters", () => {
    it("values in conditions are encoded like the column: boolean, numeric, timestamp, bigint, IN lists", () => {
      check(
        whereUsers(Expr.and(
          User.c.active.eq(false),
          User.c.balance.gte(BigDecimal.unsafeFromString("12.5")),
          User.c.createdAt.between(noon, micro),
          User.c.active.in([true, false])
        )),
        {
          sqlite: [
            `SELECT "users"."id" AS "id" FROM "users" WHERE (((("users"."active" = ?) AND ("users"."balance" >= ?)) AND ("users"."created_at" BETWEEN ? AND ?)) AND ("users"."active" IN (?, ?)))`,
            [0, "12.50", "2024-01-02 03:04:05", "2024-01-02 03:04:05.678901", 1, 0]
          ],
          postgresql: [
            `SELECT "users"."id" AS "id" FROM "users" WHERE (((("users"."active" = $1) AND ("users"."balance" >= $2)) AND ("users"."created_at" BETWEEN $3 AND $4)) AND ("users"."active" IN ($5, $6)))`,
            [false, "12.50", "2024-01-02 03:04:05", "2024-01-02 03:04:05.678901", true, false]
          ],
          mysql: [
            "SELECT `users`.`id` AS `id` FROM `users` WHERE ((((`users`.`active` = ?) AND (`users`.`balance` >= ?)) AND (`users`.`created_at` BETWEEN ? AND ?)) AND (`users`.`active` IN (?, ?)))",
            [0, "12.50", "2024-01-02 03:04:05", "2024-01-02 03:04:05.678901", 1, 0]
          ]
        }
      )
      check(Query.select({ id: Post.c.id }).where(Post.c.views.gt(9007199254740993n), Post.c.publishedAt.lt(noon)), {
        sqlite: [`SELECT "posts"."id" AS "id" FROM "posts" WHERE (("posts"."views" > ?) AND ("posts"."published_at" < ?))`, [9007199254740993n, "2024-01-02 03:04:05"]],
        postgresql: [
          `SELECT "posts"."id" AS "id" FROM "posts" WHERE (("posts"."views" > $1) AND ("posts"."published_at" < $2))`,
          ["9007199254740993", "2024-01-02 03:04:05+00"]
        ],
        mysql: ["SELECT `posts`.`id` AS `id` FROM `posts` WHERE ((`posts`.`views` > ?) AND (`posts`.`published_at` < ?))", ["9007199254740993", "2024-01-02 03:04:05"]]
      })
    })

    it("PostgreSQL numbers placeholders past 9 in order", () => {
      const ids = Array.from({ length: 12 }, (_, i) => i + 1)
      const { params, sql } = whereUsers(User.c.id.in(ids)).toSql("postgresql")
      assert.strictEqual(sql, `SELECT "users"."id" AS "id" FROM "users" WHERE ("users"."id" IN (${ids.map((i) => `$${i}`).join(", ")}))`)
      assert.deepStrictEqual(params, ids)
    })

    it("values never appear in the SQL text, identifiers are always quoted", () => {
      const hostile = "'; DROP TABLE users; --"
      for (const dialect of dialects) {
        const { params, sql } = whereUsers(User.c.name.eq(hostile)).toSql(dialect)
        assert.notInclude(sql, "DROP", dialect)
        assert.deepStrictEqual(params, [hostile], dialect)
      }
    })
  })
})
