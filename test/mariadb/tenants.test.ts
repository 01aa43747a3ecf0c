import { suite } from "../suite/tenants.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
