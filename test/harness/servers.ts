/**
 * Where the test servers are, and whether they answer. Read by the global setup
 * (once per run) and by each test file (to build its isolated database).
 */
import { Cause, Effect, Exit } from "effect"
import * as Engine from "../../src/Engine.js"

export type ServerName = "postgresql" | "mysql"

export const serverUrls: Record<ServerName, string> = {
  postgresql: process.env["RETORT_POSTGRES_URL"] ?? "postgresql://postgres@127.0.0.1:5432/test",
  mysql: process.env["RETORT_MYSQL_URL"] ?? "mysql://root@127.0.0.1:3306/test"
}

export const labels: Record<ServerName, string> = { postgresql: "PostgreSQL", mysql: "MariaDB" }

export const requireServers = process.env["RETORT_REQUIRE_SERVERS"] === "1"

/** Runs `SELECT 1` on the server; `undefined` when it answers, the reason when it does not. */
export const probe = async (name: ServerName): Promise<string | undefined> => {
  const exit = await Effect.runPromiseExit(
    Engine.execute("SELECT 1 AS one").pipe(
      Effect.provide(Engine.layer(serverUrls[name], { pool: { acquireTimeout: "5 seconds" } })),
      Effect.timeout("10 seconds")
    )
  )
  return Exit.isSuccess(exit) ? undefined : Cause.squash(exit.cause) instanceof Error
    ? (Cause.squash(exit.cause) as Error).message
    : Cause.pretty(exit.cause)
}
