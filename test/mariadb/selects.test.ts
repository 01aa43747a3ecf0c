import { suite } from "../suite/selects.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
