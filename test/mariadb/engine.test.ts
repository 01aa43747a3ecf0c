import { suite } from "../suite/engine.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
