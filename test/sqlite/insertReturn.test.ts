import { suite } from "../suite/insertReturn.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
