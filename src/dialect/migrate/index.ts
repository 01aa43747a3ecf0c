/**
 * The migration spelling of each dialect, by name. Callers: src/internal/migration/compile.ts.
 */
import type { DialectName } from "../../Url.js"
import type { MigrateHooks } from "../../internal/migration/hooks.js"
import { migrate as mysql } from "./mysql.js"
import { migrate as postgres } from "./postgres.js"
import { migrate as sqlite } from "./sqlite.js"

export const migrateHooks = (name: DialectName): MigrateHooks =>
  name === "sqlite" ? sqlite : name === "postgresql" ? postgres : mysql
