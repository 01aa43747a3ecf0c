import { suite } from "../suite/literals.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
