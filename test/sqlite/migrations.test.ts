import { suite } from "../suite/migrations.js"; import { sqlite } from "../harness/targets.js"; sqlite(suite)
