import { suite } from "../suite/reports.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
