/**
 * The reflector of each dialect (how a live database is read back into `Inspect.Schema`,
 * and the per-dialect normalizers of server defaults and CHECK text that autogenerate
 * uses). Caller: src/Inspect.ts.
 */
import type { Reflector } from "../../internal/inspect/shape.js"
import type { DialectName } from "../../Url.js"
import { reflector as mysql } from "./mysql.js"
import { reflector as postgresql } from "./postgres.js"
import { reflector as sqlite } from "./sqlite.js"

export const reflectors: Readonly<Record<DialectName, Reflector>> = {
  sqlite,
  postgresql,
  mysql
}
