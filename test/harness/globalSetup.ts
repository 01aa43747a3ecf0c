/**
 * Probes PostgreSQL and MariaDB once per test run. An unreachable server skips its
 * suites with a visible message, or fails the run when RETORT_REQUIRE_SERVERS=1.
 */
import { existsSync } from "node:fs"
import type { TestProject } from "vitest/node"
import { chinookJsonPath } from "../../examples/chinook/load.js"
import { labels, probe, requireServers, type ServerName, serverUrls } from "./servers.js"
import { ensureStandby, standbyUrl } from "./standby.js"

declare module "vitest" {
  export interface ProvidedContext {
    servers: Record<ServerName, string | undefined>
    /** Why the PostgreSQL standby (read replicas) is unusable, or undefined when it serves reads. */
    standby: string | undefined
    /** Where the Chinook data is, or undefined when it is missing (its suites are then skipped). */
    chinook: string | undefined
  }
}

export default async function setup(project: TestProject) {
  const names: ReadonlyArray<ServerName> = ["postgresql", "mysql"]
  const reasons = await Promise.all(names.map(probe))
  const servers = {} as Record<ServerName, string | undefined>
  const missing: Array<string> = []
  names.forEach((name, i) => {
    servers[name] = reasons[i]
    if (reasons[i] !== undefined) {
      missing.push(`${labels[name]} at ${serverUrls[name]}: ${reasons[i]}`)
    }
  })
  if (missing.length > 0) {
    if (requireServers) {
      throw new Error(`RETORT_REQUIRE_SERVERS=1 but these servers are unreachable:\n  ${missing.join("\n  ")}`)
    }
    const banner = [
      "",
      "=".repeat(78),
      "retort: SKIPPING the suites of unreachable database servers:",
      ...missing.map((m) => `  - ${m}`),
      "Start them (see README, 'Running the tests') or point RETORT_POSTGRES_URL / RETORT_MYSQL_URL elsewhere.",
      "=".repeat(78),
      ""
    ].join("\n")
    console.warn(banner)
  } else {
    console.log(`retort: PostgreSQL (${serverUrls.postgresql}) and MariaDB (${serverUrls.mysql}) suites will run`)
  }
  project.provide("servers", servers)
  const standby = servers.postgresql !== undefined ? "the primary is unreachable" : await ensureStandby()
  if (standby !== undefined) {
    if (requireServers) throw new Error(`RETORT_REQUIRE_SERVERS=1 but the PostgreSQL standby at ${standbyUrl} is unusable: ${standby}`)
    console.warn(`\nretort: SKIPPING the read-replica suite: no PostgreSQL standby at ${standbyUrl} (${standby})\n`)
  }
  project.provide("standby", standby)
  const chinook = chinookJsonPath()
  if (existsSync(chinook)) {
    project.provide("chinook", chinook)
  } else {
    console.warn(`\nretort: SKIPPING the Chinook suites: no chinook.json at ${chinook} (set RETORT_CHINOOK_JSON to its path)\n`)
    project.provide("chinook", undefined)
  }
}
