import { suite } from "../suite/metadata.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
