import { suite } from "../suite/session.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
