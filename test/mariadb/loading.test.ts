import { suite } from "../suite/loading.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
