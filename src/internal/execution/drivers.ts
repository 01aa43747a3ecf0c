/**
 * Which npm packages each dialect's adapter loads, and the error when one is not installed.
 * Called by the executor (`Executor.ts`, loading an adapter on the first connection) and by
 * the PostgreSQL adapter (`postgres.ts`, loading pg-cursor on the first stream).
 *
 * The drivers are optional peer dependencies of retort: an application installs the one
 * for its database. A missing one is an `SqlError` of the connect phase, which the dialect
 * classifiers turn into a `ConnectionError` whose message says what to install.
 */
import { SqlError } from "@effect/sql/SqlError"
import type { DialectName } from "../../Url.js"

/** The packages an adapter needs, by dialect: installing them is what the error asks for. */
export const driverPackages: Readonly<Record<DialectName, ReadonlyArray<string>>> = {
  sqlite: ["better-sqlite3"],
  postgresql: ["pg"],
  mysql: ["mysql2"]
}

/**
 * The package a module-resolution failure names, if it is one: Node's ESM loader
 * (`ERR_MODULE_NOT_FOUND`, "Cannot find package 'pg' imported from …") and CommonJS
 * `require` (`MODULE_NOT_FOUND`, "Cannot find module 'pg/lib/utils.js'") both say it.
 */
export const missingPackage = (cause: unknown): string | undefined => {
  const code = (cause as { code?: unknown } | null)?.code
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return undefined
  const message = (cause as { message?: unknown }).message
  if (typeof message !== "string") return undefined
  const named = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1]
  if (named === undefined || named.startsWith(".") || named.startsWith("/") || named.startsWith("file:")) return undefined
  // A subpath (`pg/lib/utils.js`, `@scope/name/sub`) belongs to its package.
  const parts = named.split("/")
  return named.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]
}

/**
 * The failure of loading an adapter or one of its packages. A missing known package gets
 * a message naming it and the command that installs it; anything else keeps the loader's
 * own message. The original error stays the `cause`'s `cause`.
 */
export const loadFailure = (dialect: DialectName, cause: unknown, purpose?: string): SqlError => {
  const pkg = missingPackage(cause)
  const known = pkg !== undefined && [...driverPackages[dialect], "pg-cursor"].includes(pkg)
  const text = known
    ? `the ${pkg} package is not installed; ${purpose ?? `retort uses it for ${dialect} URLs`}: npm install ${pkg}`
    : `the ${dialect} driver did not load: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`
  return new SqlError({ cause: new Error(text, { cause }), message: text })
}
