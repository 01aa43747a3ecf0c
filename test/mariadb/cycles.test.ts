import { suite } from "../suite/cycles.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
