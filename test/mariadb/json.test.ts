import { suite } from "../suite/json.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
