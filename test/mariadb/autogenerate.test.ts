import { suite } from "../suite/autogenerate.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
