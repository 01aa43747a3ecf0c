/**
 * A driver that is not installed: the mapping from Node's module-resolution errors to the
 * `ConnectionError` that names the package to install. The errors are real ones, from
 * Node's ESM loader (a child process importing a package that does not exist, as a
 * statically imported driver fails) and from `require`. The end-to-end proof, an app
 * without better-sqlite3 opening a SQLite URL, is `.ci/pack-install`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { createRequire } from "node:module"
import * as Dialect from "../src/Dialect.js"
import { markConnectPhase } from "../src/internal/classify.js"
import { loadFailure, missingPackage } from "../src/internal/execution/drivers.js"
import * as Url from "../src/Url.js"

/** The errors Node's ESM loader raises for `import(specifier)` where nothing resolves (one child process). */
const esmErrors = (specifiers: ReadonlyArray<string>): ReadonlyArray<{ code: string; message: string }> =>
  JSON.parse(
    execFileSync(process.execPath, [
      "--input-type=module",
      "-e",
      `const out = []
      for (const s of ${JSON.stringify(specifiers)}) await import(s).catch((e) => out.push({ code: e.code, message: e.message }))
      console.log(JSON.stringify(out))`
    ], { encoding: "utf8" })
  )
const [absent, scoped, relative, sqliteAbsent] = esmErrors([
  "retort-test-absent-driver",
  "@retort-test/absent/sub/path.js",
  "./no-such-file.js",
  "better-sqlite3-absent"
])

const requireError = (specifier: string): unknown => {
  try {
    createRequire(import.meta.url)(specifier)
  } catch (e) {
    return e
  }
  throw new Error(`${specifier} resolved`)
}

describe("missing drivers", () => {
  it("reads the package from ESM and CommonJS resolution errors, subpaths and scopes included", () => {
    assert.strictEqual(missingPackage(absent), "retort-test-absent-driver")
    assert.strictEqual(missingPackage(scoped), "@retort-test/absent")
    assert.strictEqual(missingPackage(requireError("retort-test-absent-driver/lib/utils.js")), "retort-test-absent-driver")
    // Not a missing package: a relative file, or another kind of error.
    assert.strictEqual(missingPackage(relative), undefined)
    assert.strictEqual(missingPackage(new Error("Cannot find package 'pg'")), undefined)
    assert.strictEqual(missingPackage(undefined), undefined)
  })

  it.effect("a missing better-sqlite3 is a ConnectionError that says npm install better-sqlite3", () =>
    Effect.gen(function*() {
      const url = yield* Url.parse("sqlite://")
      // What Node says when better-sqlite3 is absent, but for the name (it is installed here).
      const cause = { ...sqliteAbsent!, message: sqliteAbsent!.message.replace("better-sqlite3-absent", "better-sqlite3") }
      const error = Dialect.sqlite.classify(markConnectPhase(loadFailure("sqlite", cause)), { url })
      assert.strictEqual(error._tag, "ConnectionError")
      assert.include(error.message, "the better-sqlite3 package is not installed")
      assert.include(error.message, "npm install better-sqlite3")
    }))

  it.effect("pg, pg-cursor and mysql2 are named the same way; any other load failure keeps its message", () =>
    Effect.gen(function*() {
      const pgUrl = yield* Url.parse("postgresql://u:secret@db.example.com/app")
      const mysqlUrl = yield* Url.parse("mysql://u@db.example.com/app")
      const missing = (name: string) => ({ code: "ERR_MODULE_NOT_FOUND", message: `Cannot find package '${name}' imported from /app/x.js` })
      const pg = Dialect.postgres.classify(markConnectPhase(loadFailure("postgresql", missing("pg"))), { url: pgUrl })
      assert.strictEqual(pg._tag, "ConnectionError")
      assert.include(pg.message, "npm install pg")
      assert.notInclude(pg.message, "secret")
      const cursor = Dialect.postgres.classify(markConnectPhase(loadFailure("postgresql", missing("pg-cursor"), "retort streams PostgreSQL rows through it")), { url: pgUrl })
      assert.include(cursor.message, "streams PostgreSQL rows through it: npm install pg-cursor")
      const mysql = Dialect.mysql.classify(markConnectPhase(loadFailure("mysql", missing("mysql2"))), { url: mysqlUrl })
      assert.strictEqual(mysql._tag, "ConnectionError")
      assert.include(mysql.message, "npm install mysql2")
      const other = Dialect.mysql.classify(markConnectPhase(loadFailure("mysql", new SyntaxError("Unexpected token"))), { url: mysqlUrl })
      assert.strictEqual(other._tag, "ConnectionError")
      assert.include(other.message, "the mysql driver did not load: Unexpected token")
    }))
})
