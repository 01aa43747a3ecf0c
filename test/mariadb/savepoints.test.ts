import { suite } from "../suite/savepoints.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
