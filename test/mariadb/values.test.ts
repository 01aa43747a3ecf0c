import { suite } from "../suite/values.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
