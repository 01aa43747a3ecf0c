import { suite } from "../suite/windows.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
