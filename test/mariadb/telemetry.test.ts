import { suite } from "../suite/telemetry.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
