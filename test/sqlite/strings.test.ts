import { suite } from "../suite/strings.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
