import { suite } from "../suite/sessionWarnings.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
