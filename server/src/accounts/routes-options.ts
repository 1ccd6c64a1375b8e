import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { Auth } from "./auth.ts";

/** What http/app.ts hands the accounts routes. */
export interface AccountsOptions {
  auth: Auth;
  database: Database;
  config: Config;
  events: EventBus;
}
