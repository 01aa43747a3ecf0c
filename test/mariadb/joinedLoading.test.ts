import { suite } from "../suite/joinedLoading.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
