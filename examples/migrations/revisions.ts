/**
 * The example's revisions: each one's id, message and models. Read by generate.ts (which
 * writes the migrations) and run.ts (which checks each revision against its models).
 */
import type { MetaData } from "retort-orm"
import * as v1 from "./models/v1.js"
import * as v2 from "./models/v2.js"
import * as v3 from "./models/v3.js"

export const revisions: ReadonlyArray<{ readonly id: string; readonly message: string; readonly metadata: MetaData.MetaData }> = [
  { id: "0001_create_blog", message: "Create users and posts", metadata: v1.metadata },
  { id: "0002_tags_and_publishing", message: "Tags, and a publication time on posts", metadata: v2.metadata },
  { id: "0003_comments_and_emails", message: "Comments, user emails, display names", metadata: v3.metadata }
]
