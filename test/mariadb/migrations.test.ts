import { suite } from "../suite/migrations.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
