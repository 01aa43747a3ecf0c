import { suite } from "../suite/events.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
