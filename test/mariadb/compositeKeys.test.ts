import { suite } from "../suite/compositeKeys.js"; import { mariadb } from "../harness/targets.js"; mariadb(suite)
