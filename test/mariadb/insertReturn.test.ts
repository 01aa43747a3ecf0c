import { suite } from "../suite/insertReturn.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
