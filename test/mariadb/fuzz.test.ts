import { suite } from "../suite/fuzz.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
