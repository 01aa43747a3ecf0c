import { suite } from "../suite/writes.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
