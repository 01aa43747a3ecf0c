import { suite } from "../suite/drafts.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
