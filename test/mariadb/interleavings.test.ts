import { suite } from "../suite/interleavings.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
