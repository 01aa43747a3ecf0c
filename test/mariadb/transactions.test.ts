import { suite } from "../suite/transactions.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
