import { suite } from "../suite/faults.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
