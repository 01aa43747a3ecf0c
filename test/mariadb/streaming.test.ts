import { suite } from "../suite/streaming.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
