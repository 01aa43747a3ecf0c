import { suite } from "../suite/session.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
