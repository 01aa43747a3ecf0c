import { suite } from "../suite/apiSchemas.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
