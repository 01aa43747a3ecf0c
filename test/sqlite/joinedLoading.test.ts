import { suite } from "../suite/joinedLoading.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
