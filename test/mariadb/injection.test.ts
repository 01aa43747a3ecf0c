import { suite } from "../suite/injection.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
