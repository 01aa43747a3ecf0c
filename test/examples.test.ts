/**
 * Every example runs, and prints what it promises. (`examples/testing.test.ts` runs with
 * the other tests; `npm run example:testing` runs it alone.)
 */
import { assert, describe, inject, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const run = (script: string, env: Record<string, string> = {}) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(process.cwd(), script)],
      { cwd: process.cwd(), env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${script} failed: ${stderr || error.message}`)) : resolve(stdout))
    )
  })

describe("examples", () => {
  it("quickstart", async () => {
    const out = await run("examples/quickstart.ts")
    assert.include(out, "Engine: sqlite at sqlite:///quickstart.db")
    assert.include(out, "All users: Ann (30), Bob (17), Cyd (?)")
    assert.include(out, "First adult: Ann")
    assert.include(out, "Adults now: 2")
    assert.include(out, "Duplicate name -> UniqueViolation on users(name)")
    assert.include(out, "EncodeError before any SQL ran: users: invalid insert: name: at most 50 characters")
  }, 120_000)

  it("books (DATABASE_URL: a SQLite file of its own)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "retort-books-"))
    try {
      const out = await run("examples/books.ts", { DATABASE_URL: `sqlite:///${join(dir, "books.db")}` })
      assert.include(out, "Database: sqlite")
      assert.include(out, `First published: "Structure and Interpretation of Computer Programs" by Abelson & Sussman, 1985-07-01`)
      assert.include(out, "Books: 2")
      assert.include(out, "Dropped the table")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it("blog", async () => {
    const out = await run("examples/blog.ts")
    assert.include(out, "[published] Hello, Effect #effect #sql")
    assert.include(out, "Authors of 3 posts, loaded in one query: ann, ann, bob")
    assert.include(out, "Posts tagged sql: Hello, Effect, Typed errors")
  }, 120_000)

  it("bank (transactions)", async () => {
    const out = await run("examples/transactions.ts")
    assert.include(out, "identity: true")
    assert.include(out, "refused: cyd is missing 400")
    assert.include(out, "StaleDataError")
    assert.match(out, /after 20 concurrent transfers: .*\(total 306\)/)
  }, 120_000)

  it("live (Query.watch)", async () => {
    const out = await run("examples/live.ts")
    assert.include(out, 'open tasks: ["write the docs","ship","rest"]')
    assert.include(out, "rolled back: no emission")
    assert.include(out, 'open tasks: ["ship","rest"]')
  }, 120_000)

  it("replicas (reads on the standby), or a visible skip without one", async () => {
    const out = await run("examples/replicas.ts")
    if (out.includes("SKIPPED")) return
    assert.include(out, "a read outside a transaction: the standby")
    assert.include(out, "right after this fiber committed: the primary")
    assert.include(out, "a { replica: true } transaction: the standby")
  }, 120_000)

  it("telemetry (spans to the console exporter)", async () => {
    const out = await run("examples/telemetry.ts")
    assert.include(out, "users: Ann, Bob")
    assert.include(out, "duplicate: UniqueViolation")
    assert.include(out, "name: 'SELECT users'")
    assert.include(out, "name: 'session.flush'")
    assert.include(out, "'db.system.name': 'sqlite'")
    assert.include(out, "'error.type': 'UniqueViolation'")
    assert.notInclude(out, "s3cret")
  }, 120_000)

  const chinook = inject("chinook") !== undefined
  it.skipIf(!chinook)("chinook reports", async () => {
    const out = await run("examples/chinook/reports.ts")
    assert.match(out, /Iron Maiden\s+213/)
    assert.include(out, "Invoices in 2022: 83, total 481.45")
    assert.include(out, "Edwards    -> Adams")
  }, 120_000)

  it.skipIf(!chinook)("chinook browse (no N+1)", async () => {
    const out = await run("examples/chinook/browse.ts")
    assert.include(out, "Employees with their manager and reports (one query each): 3 SELECT statements")
    assert.include(out, "Employees, then the reports of each loaded lazily in a loop: 2 SELECT statements")
  }, 120_000)
})
