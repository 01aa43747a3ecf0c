import { suite } from "../suite/liveQueries.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
