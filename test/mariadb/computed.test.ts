import { suite } from "../suite/computed.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
