import { suite } from "../suite/expressions.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
