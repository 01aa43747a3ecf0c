import { suite } from "../suite/options.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
