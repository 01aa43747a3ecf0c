import { suite } from "../suite/columns.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
