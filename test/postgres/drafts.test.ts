import { suite } from "../suite/drafts.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
