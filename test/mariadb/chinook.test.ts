import { suite } from "../suite/chinook.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
