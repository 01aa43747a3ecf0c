import { suite } from "../suite/inspect.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
