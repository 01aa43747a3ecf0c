import { suite } from "../suite/pool.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
