import { suite } from "../suite/drafts.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
