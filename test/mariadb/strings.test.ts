import { suite } from "../suite/strings.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
