import { suite } from "../suite/windows.js"; import { postgres } from "../harness/targets.js"; postgres(suite)
