/**
 * JSON path compile tests (issue 14), no database: the SQL and parameters of each dialect
 * side by side. Keys and indexes are always parameters (a JSON path text on SQLite and
 * MariaDB, a strict jsonpath on PostgreSQL); the behaviour is in test/suite/json.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Column from "../src/Column.js"
import type * as Expr from "../src/Expr.js"
import * as Query from "../src/Query.js"
import * as Table from "../src/Table.js"

class Post extends Table.Class<Post>("Post")("posts", {
  id: Column.integer({ primaryKey: true }),
  doc: Column.json(Schema.Struct({ a: Schema.Array(Schema.Number), n: Schema.Number, s: Schema.String, on: Schema.Boolean, "a\"b. c": Schema.Number })),
  raw: Column.json(Schema.Unknown),
  name: Column.text()
}) {}

const dialects = ["sqlite", "postgresql", "mysql"] as const
type Expected = { readonly [D in (typeof dialects)[number]]: readonly [sql: string, params: ReadonlyArray<unknown>] }

const check = (query: Query.Compilable, expected: Expected) => {
  for (const dialect of dialects) {
    const [sql, params] = expected[dialect]
    assert.deepStrictEqual(query.toSql(dialect), { sql, params }, dialect)
  }
}

describe("JSON paths", () => {
  it("a path as JSON: keys and indexes bound, each index guarded on MariaDB", () => {
    check(Query.select({ x: Post.c.doc.get("a").get(0) }).from(Post), {
      sqlite: ["SELECT (\"posts\".\"doc\" -> ?) AS \"x\" FROM \"posts\"", ["$.\"a\"[0]"]],
      postgresql: ["SELECT jsonb_path_query_first(\"posts\".\"doc\", CAST($1 AS JSONPATH), '{}', TRUE) AS \"x\" FROM \"posts\"", ["strict $.\"a\"[0]"]],
      mysql: ["SELECT (CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`doc`, ?)) = 'ARRAY' THEN JSON_EXTRACT(`posts`.`doc`, ?) END) AS `x` FROM `posts`", ["$.\"a\"","$.\"a\"[0]"]]
    })
  })

  it("asString / asNumber / asBoolean: the value only when it has that JSON type", () => {
    check(Query.select({ s: Post.c.doc.get("s").asString(), n: Post.c.doc.get("n").asNumber(), b: Post.c.doc.get("on").asBoolean() }).from(Post), {
      sqlite: ["SELECT (CASE json_type(\"posts\".\"doc\", ?) WHEN 'text' THEN json_extract(\"posts\".\"doc\", ?) END) AS \"s\", (CASE WHEN json_type(\"posts\".\"doc\", ?) IN ('integer', 'real') THEN json_extract(\"posts\".\"doc\", ?) END) AS \"n\", (CASE json_type(\"posts\".\"doc\", ?) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END) AS \"b\" FROM \"posts\"", ["$.\"s\"","$.\"s\"","$.\"n\"","$.\"n\"","$.\"on\""]],
      postgresql: ["SELECT (CASE WHEN jsonb_typeof(jsonb_path_query_first(\"posts\".\"doc\", CAST($1 AS JSONPATH), '{}', TRUE)) = 'string' THEN jsonb_path_query_first(\"posts\".\"doc\", CAST($1 AS JSONPATH), '{}', TRUE) #>> '{}' END) AS \"s\", (CASE WHEN jsonb_typeof(jsonb_path_query_first(\"posts\".\"doc\", CAST($2 AS JSONPATH), '{}', TRUE)) = 'number' THEN CAST(jsonb_path_query_first(\"posts\".\"doc\", CAST($2 AS JSONPATH), '{}', TRUE) #>> '{}' AS DOUBLE PRECISION) END) AS \"n\", (CASE WHEN jsonb_typeof(jsonb_path_query_first(\"posts\".\"doc\", CAST($3 AS JSONPATH), '{}', TRUE)) = 'boolean' THEN CAST(jsonb_path_query_first(\"posts\".\"doc\", CAST($3 AS JSONPATH), '{}', TRUE) #>> '{}' AS BOOLEAN) END) AS \"b\" FROM \"posts\"", ["strict $.\"s\"","strict $.\"n\"","strict $.\"on\""]],
      mysql: ["SELECT (CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`doc`, ?)) = 'STRING' THEN JSON_UNQUOTE(JSON_EXTRACT(`posts`.`doc`, ?)) END) AS `s`, (CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`doc`, ?)) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN CAST(JSON_EXTRACT(`posts`.`doc`, ?) AS DOUBLE) END) AS `n`, (CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`doc`, ?)) = 'BOOLEAN' THEN JSON_UNQUOTE(JSON_EXTRACT(`posts`.`doc`, ?)) = 'true' END) AS `b` FROM `posts`", ["$.\"s\"","$.\"s\"","$.\"n\"","$.\"n\"","$.\"on\"","$.\"on\""]]
    })
  })

  it("in WHERE and ORDER BY, compared with a bound number", () => {
    check(Query.select({ id: Post.c.id }).from(Post).where(Post.c.doc.get("n").asNumber().gt(3)).orderBy(Post.c.doc.get("s").asString()), {
      sqlite: ["SELECT \"posts\".\"id\" AS \"id\" FROM \"posts\" WHERE ((CASE WHEN json_type(\"posts\".\"doc\", ?) IN ('integer', 'real') THEN json_extract(\"posts\".\"doc\", ?) END) > ?) ORDER BY (CASE json_type(\"posts\".\"doc\", ?) WHEN 'text' THEN json_extract(\"posts\".\"doc\", ?) END) ASC", ["$.\"n\"","$.\"n\"",3,"$.\"s\"","$.\"s\""]],
      postgresql: ["SELECT \"posts\".\"id\" AS \"id\" FROM \"posts\" WHERE ((CASE WHEN jsonb_typeof(jsonb_path_query_first(\"posts\".\"doc\", CAST($1 AS JSONPATH), '{}', TRUE)) = 'number' THEN CAST(jsonb_path_query_first(\"posts\".\"doc\", CAST($1 AS JSONPATH), '{}', TRUE) #>> '{}' AS DOUBLE PRECISION) END) > $2) ORDER BY (CASE WHEN jsonb_typeof(jsonb_path_query_first(\"posts\".\"doc\", CAST($3 AS JSONPATH), '{}', TRUE)) = 'string' THEN jsonb_path_query_first(\"posts\".\"doc\", CAST($3 AS JSONPATH), '{}', TRUE) #>> '{}' END) ASC", ["strict $.\"n\"",3,"strict $.\"s\""]],
      mysql: ["SELECT `posts`.`id` AS `id` FROM `posts` WHERE ((CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`doc`, ?)) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN CAST(JSON_EXTRACT(`posts`.`doc`, ?) AS DOUBLE) END) > ?) ORDER BY (CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`doc`, ?)) = 'STRING' THEN JSON_UNQUOTE(JSON_EXTRACT(`posts`.`doc`, ?)) END) ASC", ["$.\"n\"","$.\"n\"",3,"$.\"s\"","$.\"s\""]]
    })
  })

  it("a key with a quote, a dot and a space is a JSON string in the bound path", () => {
    check(Query.select({ v: Post.c.doc.get("a\"b. c").asNumber() }).from(Post), {
      sqlite: ["SELECT (CASE WHEN json_type(\"posts\".\"doc\", ?) IN ('integer', 'real') THEN json_extract(\"posts\".\"doc\", ?) END) AS \"v\" FROM \"posts\"", ["$.\"a\\\"b. c\"","$.\"a\\\"b. c\""]],
      postgresql: ["SELECT (CASE WHEN jsonb_typeof(jsonb_path_query_first(\"posts\".\"doc\", CAST($1 AS JSONPATH), '{}', TRUE)) = 'number' THEN CAST(jsonb_path_query_first(\"posts\".\"doc\", CAST($1 AS JSONPATH), '{}', TRUE) #>> '{}' AS DOUBLE PRECISION) END) AS \"v\" FROM \"posts\"", ["strict $.\"a\\\"b. c\""]],
      mysql: ["SELECT (CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`doc`, ?)) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL') THEN CAST(JSON_EXTRACT(`posts`.`doc`, ?) AS DOUBLE) END) AS `v` FROM `posts`", ["$.\"a\\\"b. c\"","$.\"a\\\"b. c\""]]
    })
  })

  it("a json column itself, with no path", () => {
    check(Query.select({ v: Post.c.raw.asString() }).from(Post), {
      sqlite: ["SELECT (CASE json_type(\"posts\".\"raw\", ?) WHEN 'text' THEN json_extract(\"posts\".\"raw\", ?) END) AS \"v\" FROM \"posts\"", ["$","$"]],
      postgresql: ["SELECT (CASE WHEN jsonb_typeof(jsonb_path_query_first(\"posts\".\"raw\", CAST($1 AS JSONPATH), '{}', TRUE)) = 'string' THEN jsonb_path_query_first(\"posts\".\"raw\", CAST($1 AS JSONPATH), '{}', TRUE) #>> '{}' END) AS \"v\" FROM \"posts\"", ["strict $"]],
      mysql: ["SELECT (CASE WHEN JSON_TYPE(JSON_EXTRACT(`posts`.`raw`, ?)) = 'STRING' THEN JSON_UNQUOTE(JSON_EXTRACT(`posts`.`raw`, ?)) END) AS `v` FROM `posts`", ["$","$"]]
    })
  })

  it("a bad key or index, or a JSON method on another type, is a TypeError when built", () => {
    assert.throws(() => Post.c.raw.get(-1), TypeError)
    assert.throws(() => Post.c.raw.get(1.5), TypeError)
    assert.throws(() => Post.c.raw.get("\ud800"), TypeError)
    assert.throws(() => (Post.c.name as any).get("x"), TypeError)
    assert.throws(() => (Post.c.doc.get("n").asNumber() as any).asString(), TypeError)
  })

  it("types: paths follow the schema; text columns have no JSON methods", () => {
    const first: Expr.JsonExpr<number | null> = Post.c.doc.get("a").get(0)
    const n: Expr.Expr<number | null> = first.asNumber()
    const s: Expr.Expr<string | null> = Post.c.doc.get("s").asString()
    const b: Expr.Expr<boolean | null> = Post.c.raw.get("x").get(2).get("y").asBoolean()
    const cmp: Expr.Expr<boolean> = Post.c.doc.get("n").asNumber().gt(3)
    const anything: Expr.Expr<any> = Post.c.doc
    const fail = (f: () => unknown) => assert.throws(f, TypeError)
    // @ts-expect-error a text column is not JSON
    fail(() => Post.c.name.get("x"))
    // @ts-expect-error a text column is not JSON
    fail(() => Post.c.name.asString())
    // @ts-expect-error an extracted number is no longer JSON
    fail(() => Post.c.doc.get("n").asNumber().asString())
    // @ts-expect-error not a key of the schema
    void Post.c.doc.get("nope")
    // @ts-expect-error an object has keys, not indexes
    void Post.c.doc.get(0)
    // @ts-expect-error an array has indexes, not keys
    void Post.c.doc.get("a").get("x")
    void [n, s, b, cmp, anything]
  })
})
