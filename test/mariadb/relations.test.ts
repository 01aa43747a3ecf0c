import { suite } from "../suite/relations.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
