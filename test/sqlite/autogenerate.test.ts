import { suite } from "../suite/autogenerate.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
