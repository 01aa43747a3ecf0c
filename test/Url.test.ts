/**
 * URL parsing: a table of good URLs and what they parse to, and a table of bad ones
 * with the part each error must name. No database involved.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Config, ConfigProvider, Effect, Either, Exit, Redacted } from "effect"
import { inspect } from "node:util"
import * as Engine from "../src/Engine.js"
import * as Url from "../src/Url.js"

const good: ReadonlyArray<readonly [string, Record<string, unknown>, string | undefined]> = [
  ["sqlite://", { dialect: "sqlite", filename: ":memory:", memory: true }, undefined],
  ["sqlite:///:memory:", { dialect: "sqlite", filename: ":memory:", memory: true }, undefined],
  ["sqlite:///relative.db", { dialect: "sqlite", filename: "relative.db", memory: false }, undefined],
  ["sqlite:///data/app.db", { dialect: "sqlite", filename: "data/app.db", memory: false }, undefined],
  ["sqlite:////absolute.db", { dialect: "sqlite", filename: "/absolute.db", memory: false }, undefined],
  ["sqlite:////tmp/my%20db.sqlite", { dialect: "sqlite", filename: "/tmp/my db.sqlite" }, undefined],
  ["sqlite:///app.db?mode=ro", { dialect: "sqlite", filename: "app.db", readonly: true }, undefined],
  [
    "postgresql://user:pass@db.example.com:6543/shop",
    { dialect: "postgresql", scheme: "postgresql", host: "db.example.com", port: 6543, username: "user", database: "shop" },
    "pass"
  ],
  ["postgres://localhost/app", { dialect: "postgresql", scheme: "postgres", host: "localhost", port: 5432, username: undefined, database: "app" }, undefined],
  ["postgresql://", { dialect: "postgresql", host: "localhost", port: 5432, database: undefined }, undefined],
  [
    "postgresql://app%40corp:p%40ss%3Aw%2Frd@127.0.0.1/my%20db?sslmode=require&application_name=my%20app",
    {
      dialect: "postgresql",
      username: "app@corp",
      host: "127.0.0.1",
      database: "my db",
      options: { sslmode: "require", application_name: "my app" }
    },
    "p@ss:w/rd"
  ],
  // Unencoded "@", "/" and "?" in a password: the last "@" ends the user information.
  ["postgresql://u:p@ss/w?rd@host:5433/db", { host: "host", port: 5433, username: "u", database: "db" }, "p@ss/w?rd"],
  ["postgresql://u@[::1]:5432/db", { host: "::1", port: 5432 }, undefined],
  ["postgresql://u@h/db?options=-c%20search_path%3Dfoo", { options: { options: "-c search_path=foo" } }, undefined],
  ["mysql://root@127.0.0.1:3306/test", { dialect: "mysql", scheme: "mysql", host: "127.0.0.1", port: 3306, username: "root", database: "test" }, undefined],
  ["mariadb://root:@db/shop", { dialect: "mysql", scheme: "mariadb", port: 3306, database: "shop" }, ""],
  ["mysql://user:secret@db", { dialect: "mysql", database: undefined }, "secret"],
  ["MySQL://db/x?charset=utf8mb4", { dialect: "mysql", options: { charset: "utf8mb4" } }, undefined]
]

const bad: ReadonlyArray<readonly [string, Url.UrlError["part"], string]> = [
  ["", "url", "empty"],
  ["localhost:5432/db", "scheme", "scheme"],
  ["oracle://scott:tiger@db/orcl", "scheme", "unsupported scheme \"oracle\""],
  ["http://example.com", "scheme", "unsupported scheme \"http\""],
  ["sqlite://app.db", "host", "SQLite URLs have no host"],
  ["sqlite:///dir/", "path", "directory"],
  ["sqlite:///app.db?journal=wal", "option", "unknown option \"journal\""],
  // Without "@", a bad port may be a password: it is not quoted.
  ["postgresql://host:abc/db", "port", "not a number between 1 and 65535"],
  ["postgresql://u@host:abc/db", "port", "port \"abc\""],
  ["postgresql://host:70000/db", "port", "between 1 and 65535"],
  ["postgresql://host:5432/a/b", "database", "contains \"/\""],
  ["postgresql://host/db?sslmode=sometimes", "option", "sslmode"],
  ["postgresql://host/db?search_path=x", "option", "unknown option \"search_path\""],
  ["postgresql://host/db?connect_timeout=soon", "option", "connect_timeout"],
  ["postgresql://host/db%ZZ", "database", "percent-encoding"],
  ["postgresql://u:bad%ZZsecret@host/db", "userinfo", "percent-encoding"],
  ["postgresql://[::1/db", "host", "IPv6"],
  ["mysql://host/db#frag", "url", "fragment"],
  ["mysql://root@host/db?ssl=maybe", "option", "ssl"]
]

/**
 * Malformed URLs that carry a password (SECRET is replaced by each password below), and
 * the part each error names. The masker cannot rely on the parser here: none of these parse.
 */
const malformed: ReadonlyArray<readonly [string, Url.UrlError["part"]]> = [
  ["postgresql:/u:SECRET@host/db", "scheme"],
  ["postgresql:u:SECRET@host/db", "scheme"],
  ["postgresql:///u:SECRET@host", "userinfo"],
  ["u:SECRET@host/db", "scheme"],
  ["u:SECRET@host", "scheme"],
  ["//u:SECRET@host:5432/db", "scheme"],
  ["postgresql:\\\\u:SECRET@host/db", "scheme"],
  ["  MYSQL:/u:SECRET@host  ", "scheme"],
  ["oracle://u:SECRET@host/db", "scheme"],
  ["pg://u:SECRET@host/db", "scheme"],
  ["sqlite://u:SECRET@x/y", "host"],
  ["postgresql://u:SECRET@host:notaport/db", "port"],
  ["postgresql://u:SECRET@host:70000/db", "port"],
  ["postgresql://u:SECRET/db", "port"],
  ["mysql://u:SECRET", "port"],
  ["postgresql://u:SECRET@host/a/b", "database"],
  ["postgresql://u:SECRET@host/db%ZZ", "database"],
  ["postgresql://u:bad%ZZSECRET@host/db", "userinfo"],
  ["postgresql://u:SECRET@host/db?sslmode=sometimes", "option"],
  ["postgresql://u@host/db?password=SECRET", "option"],
  ["postgresql://SECRET:SECRET@host/db?x=1", "option"],
  ["mysql://u:SECRET@host/db#fragment", "url"],
  ["mysql://u:SECRET@[::1/db", "host"],
  ["postgresql://u:SECRET@ho st/db", "host"]
]

/** A password as it is meant, and as it is written in the URL. */
const secrets: ReadonlyArray<readonly [string, string]> = [
  ["Tr0ub4dor-x9", "Tr0ub4dor-x9"],
  ["p@ss:w/rd?!", "p%40ss%3Aw%2Frd%3F!"],
  ["s3cr3t p4ss", "s3cr3t%20p4ss"]
]

/** Everything an error can be printed as. */
const renderings = (error: unknown): ReadonlyArray<readonly [string, string]> => {
  const e = error as Url.UrlError
  return [
    ["message", e.message],
    ["url", e.url],
    ["reason", e.reason],
    ["JSON", JSON.stringify(e)],
    ["String()", String(e)],
    ["stack", e.stack ?? ""],
    ["inspect", inspect(e, { depth: 10 })],
    ["toJSON", JSON.stringify((e as unknown as { toJSON(): unknown }).toJSON())]
  ]
}

describe("Url", () => {
  for (const [input, expected, password] of good) {
    it(`parses ${input}`, () => {
      const parsed = Url.parseEither(input)
      assert.isTrue(Either.isRight(parsed), Either.isLeft(parsed) ? parsed.left.message : "")
      const url = (parsed as Either.Right<never, Url.DatabaseUrl>).right
      for (const [key, value] of Object.entries(expected)) {
        assert.deepStrictEqual((url as unknown as Record<string, unknown>)[key], value, `${input}: ${key}`)
      }
      const actualPassword = url.dialect === "sqlite" || url.password === undefined ? undefined : Redacted.value(url.password)
      assert.strictEqual(actualPassword, password)
    })
  }

  for (const [input, part, fragment] of bad) {
    it(`rejects ${JSON.stringify(input)} naming the ${part}`, () => {
      const parsed = Url.parseEither(input)
      assert.isTrue(Either.isLeft(parsed), `${input} should not parse`)
      const error = (parsed as Either.Left<Url.UrlError, never>).left
      assert.strictEqual(error._tag, "UrlError")
      assert.strictEqual(error.part, part)
      assert.include(error.message, fragment)
      for (const scheme of Url.supportedSchemes) assert.include(error.message, `${scheme}://`)
    })
  }

  it("never prints the password of a URL, parsed or rejected", () => {
    const secret = "hunter2-XYZ"
    const parsed = Either.getOrThrow(Url.parseEither(`postgresql://app:${secret}@db/shop`))
    const shown = [inspect(parsed, { depth: 5 }), JSON.stringify(parsed), String(parsed), Url.toDisplayString(parsed)]
    for (const text of shown) assert.notInclude(text, secret)
    assert.strictEqual(Url.toDisplayString(parsed), "postgresql://app:***@db:5432/shop")
    for (const input of [`postgresql://app:${secret}@db:notaport/shop`, `sqlite://app:${secret}@x/y`, `pg://app:${secret}@x/y`]) {
      const error = Either.getLeft(Url.parseEither(input))
      assert.isTrue(error._tag === "Some")
      if (error._tag === "Some") {
        for (const text of [error.value.message, inspect(error.value), JSON.stringify(error.value)]) {
          assert.notInclude(text, secret)
        }
      }
    }
  })

  it("the password of a malformed URL appears in no message, field, JSON form, String() or stack", () => {
    for (const [template, part] of malformed) {
      for (const [secret, written] of secrets) {
        const input = template.replaceAll("SECRET", written)
        const parsed = Url.parseEither(input)
        assert.isTrue(Either.isLeft(parsed), `${input} should not parse`)
        const error = (parsed as Either.Left<Url.UrlError, never>).left
        assert.strictEqual(error.part, part, `${input}: ${error.message}`)
        for (const [label, text] of renderings(error)) {
          for (const form of new Set([secret, written])) {
            assert.notInclude(text, form, `${input}: the password is in the error's ${label}`)
          }
        }
        // What remains is still useful: the URL is shown, its password masked.
        assert.include(error.url, "***", input)
      }
    }
  })

  it.effect("nor through Engine.layer, or Engine.layerConfig with Config.redacted", () =>
    Effect.gen(function*() {
      for (const [template] of malformed) {
        const input = template.replaceAll("SECRET", "Tr0ub4dor-x9")
        const direct = yield* Effect.exit(Engine.execute("SELECT 1").pipe(Effect.provide(Engine.layer(input))))
        const provider = ConfigProvider.fromMap(new Map([["DATABASE_URL", input]]))
        const configured = yield* Effect.exit(
          Engine.execute("SELECT 1").pipe(Effect.provide(Engine.layerConfig(Config.redacted("DATABASE_URL"))), Effect.withConfigProvider(provider))
        )
        for (const exit of [direct, configured]) {
          assert.isTrue(Exit.isFailure(exit), input)
          if (Exit.isFailure(exit)) {
            const error = Cause.squash(exit.cause)
            assert.strictEqual((error as Url.UrlError)._tag, "UrlError", input)
            for (const [label, text] of [["cause", Cause.pretty(exit.cause)], ["exit", inspect(exit, { depth: 10 })], ...renderings(error)] as const) {
              assert.notInclude(text, "Tr0ub4dor-x9", `${input}: the password is in the ${label}`)
            }
          }
        }
      }
    }))

  it.effect("a bad URL fails Engine.layer with the UrlError, before anything connects", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Engine.execute("SELECT 1").pipe(Effect.provide(Engine.layer("postgresql://h:99999/x"))))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = Cause.squash(exit.cause) as Url.UrlError
        assert.strictEqual(error._tag, "UrlError")
        assert.strictEqual(error.part, "port")
      }
    }))

  it.effect("Engine.layerConfig reads the URL from a Config, redacted or not", () =>
    Effect.gen(function*() {
      const provider = ConfigProvider.fromMap(new Map([["DATABASE_URL", "sqlite://"]]))
      const rows = yield* Engine.execute("SELECT 2 AS two").pipe(
        Effect.provide(Engine.layerConfig(Config.redacted("DATABASE_URL"))),
        Effect.withConfigProvider(provider)
      )
      assert.strictEqual(rows[0]!["two"], 2)
      const missing = yield* Effect.exit(
        Engine.execute("SELECT 1").pipe(
          Effect.provide(Engine.layerConfig(Config.string("NOPE"))),
          Effect.withConfigProvider(provider)
        )
      )
      assert.isTrue(Exit.isFailure(missing))
    }))
})
