import { suite } from "../suite/chinook.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
