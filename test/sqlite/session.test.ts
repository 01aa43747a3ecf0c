import { suite } from "../suite/session.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
