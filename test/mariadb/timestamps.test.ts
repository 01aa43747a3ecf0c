import { suite } from "../suite/timestamps.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
