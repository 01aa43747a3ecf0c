/**
 * Runs a shared suite against one database, in a database of its own: SQLite in
 * memory, a fresh PostgreSQL schema (via `search_path`), or a fresh MariaDB database.
 * Test files are one line: `postgres(suite)`.
 */
import type { SqlClient } from "@effect/sql/SqlClient"
import { describe, inject } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Dialect from "../../src/Dialect.js"
import * as Engine from "../../src/Engine.js"
import { labels, type ServerName, serverUrls } from "./servers.js"

export interface UrlChange {
  readonly host?: string
  readonly port?: number
  readonly username?: string
  readonly password?: string
  readonly database?: string
  readonly options?: Readonly<Record<string, string>>
}

export interface Target {
  readonly dialect: Dialect.DialectName
  readonly label: string
  readonly capabilities: Dialect.Capabilities
  /** The database this test file owns. */
  readonly url: string
  /** A database that several engines can open at the same time (SQLite: a temporary file). */
  readonly sharedUrl: string
  /** The file's URL with parts changed (server dialects; SQLite returns `url`). */
  readonly variant: (change: UrlChange) => string
}

export type Suite = (layer: Layer.Layer<Engine.Engine | SqlClient>, target: Target) => void

const uniqueName = () => `retort_${process.pid}_${Math.random().toString(36).slice(2, 10)}`

/** Rewrites a server URL with WHATWG URL, which keeps non-special schemes intact. */
const rewrite = (base: string, change: UrlChange): string => {
  const url = new URL(base)
  if (change.host !== undefined) url.hostname = change.host
  if (change.port !== undefined) url.port = String(change.port)
  if (change.username !== undefined) url.username = encodeURIComponent(change.username)
  if (change.password !== undefined) url.password = encodeURIComponent(change.password)
  if (change.database !== undefined) url.pathname = `/${encodeURIComponent(change.database)}`
  for (const [key, value] of Object.entries(change.options ?? {})) url.searchParams.set(key, value)
  return url.toString().replace(/\+/g, "%20")
}

/** Creates the file's own schema or database before the engine is built, and drops it after. */
const isolation = (dialect: ServerName, name: string): Layer.Layer<never> =>
  Layer.scopedDiscard(
    Effect.gen(function*() {
      const admin = (sql: string) =>
        Engine.execute(sql).pipe(Effect.provide(Engine.layer(serverUrls[dialect])), Effect.orDie)
      const [create, drop] = dialect === "postgresql"
        ? [`CREATE SCHEMA "${name}"`, `DROP SCHEMA IF EXISTS "${name}" CASCADE`]
        : [`CREATE DATABASE \`${name}\``, `DROP DATABASE IF EXISTS \`${name}\``]
      yield* Effect.acquireRelease(admin(create), () => admin(drop))
    })
  )

const serverTarget = (dialect: ServerName): { layer: Layer.Layer<Engine.Engine | SqlClient>; target: Target } => {
  const name = uniqueName()
  const base = dialect === "postgresql"
    ? rewrite(serverUrls.postgresql, { options: { options: `-c search_path=${name}` } })
    : rewrite(serverUrls.mysql, { database: name })
  const target: Target = {
    dialect,
    label: labels[dialect],
    capabilities: Dialect.byName(dialect).capabilities,
    url: base,
    sharedUrl: base,
    variant: (change) => rewrite(base, change)
  }
  const layer = Engine.layer(base).pipe(Layer.provide(isolation(dialect, name)), Layer.orDie)
  return { layer, target }
}

const sqliteTarget = (): { layer: Layer.Layer<Engine.Engine | SqlClient>; target: Target } => {
  // The directory is made now, the file only when a test first opens it (engines are lazy).
  const dir = mkdtempSync(join(tmpdir(), "retort-"))
  const target: Target = {
    dialect: "sqlite",
    label: "SQLite",
    capabilities: Dialect.sqlite.capabilities,
    url: "sqlite://",
    sharedUrl: `sqlite:///${join(dir, "shared.db")}`,
    variant: () => "sqlite://"
  }
  const cleanup = Layer.scopedDiscard(Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
  const layer = Engine.layer(target.url).pipe(Layer.provide(cleanup), Layer.orDie)
  return { layer, target }
}

/** Runs `suite` on in-memory SQLite. */
export const sqlite = (suite: Suite): void => {
  const { layer, target } = sqliteTarget()
  describe(target.label, () => suite(layer, target))
}

const server = (dialect: ServerName) => (suite: Suite): void => {
  const reason = inject("servers")[dialect]
  if (reason !== undefined) {
    describe.skip(`${labels[dialect]}: SKIPPED, server unreachable at ${serverUrls[dialect]} (${reason})`, () => {
      suite(Layer.die("unreachable"), {
        dialect,
        label: labels[dialect],
        capabilities: Dialect.byName(dialect).capabilities,
        url: serverUrls[dialect],
        sharedUrl: serverUrls[dialect],
        variant: () => serverUrls[dialect]
      })
    })
    return
  }
  const { layer, target } = serverTarget(dialect)
  describe(target.label, () => suite(layer, target))
}

/** Runs `suite` on PostgreSQL, in a schema of its own. */
export const postgres = server("postgresql")

/** Runs `suite` on MariaDB, in a database of its own. */
export const mariadb = server("mysql")
