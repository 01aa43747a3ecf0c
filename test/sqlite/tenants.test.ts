import { suite } from "../suite/tenants.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
