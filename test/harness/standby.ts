/**
 * The PostgreSQL streaming-replication standby of the read-replica suite
 * (`test/postgres/replicas.test.ts`): where it is, whether it answers as a standby, and
 * making it with `.ci/pg-standby` when it does not (root only: the script creates a
 * cluster and adds a replication line to the primary's pg_hba.conf). Read by the global
 * setup once per run.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Cause, Effect, Exit } from "effect"
import * as Engine from "../../src/Engine.js"

export const standbyUrl = process.env["RETORT_STANDBY_URL"] ?? "postgresql://postgres@127.0.0.1:5433/test"

const script = fileURLToPath(new URL("../../.ci/pg-standby", import.meta.url))

/** `undefined` when the standby answers and is in recovery; the reason otherwise. */
const probeStandby = async (): Promise<string | undefined> => {
  const exit = await Effect.runPromiseExit(
    Engine.execute("SELECT pg_is_in_recovery() AS standby").pipe(
      Effect.provide(Engine.layer(standbyUrl, { pool: { acquireTimeout: "3 seconds" } })),
      Effect.timeout("5 seconds")
    )
  )
  if (Exit.isFailure(exit)) {
    const error = Cause.squash(exit.cause)
    return error instanceof Error ? error.message : Cause.pretty(exit.cause)
  }
  return exit.value[0]?.["standby"] === true ? undefined : `${standbyUrl} answers but is not a standby`
}

/** Probes the standby, making it first when it is absent and this process may (root, default URL). */
export const ensureStandby = async (): Promise<string | undefined> => {
  const first = await probeStandby()
  if (first === undefined) return undefined
  if (process.env["RETORT_STANDBY_URL"] !== undefined || process.getuid?.() !== 0) return first
  const made = spawnSync(script, [], { encoding: "utf8", timeout: 180_000 })
  if (made.status !== 0) return `${first}; .ci/pg-standby failed: ${(made.stderr || made.stdout || String(made.error)).trim()}`
  return probeStandby()
}

/** Stops or starts the standby made by `.ci/pg-standby` (the failover test). */
export const standbyCluster = (action: "stop" | "start"): void => {
  const version = spawnSync("sh", ["-c", "ls /etc/postgresql | sort -n | tail -1"], { encoding: "utf8" }).stdout.trim()
  const run = spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "retort_standby", action], { encoding: "utf8", timeout: 60_000 })
  if (run.status !== 0) throw new Error(`pg_ctlcluster ${action} failed: ${run.stderr}`)
}
