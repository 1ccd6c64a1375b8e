import { z } from "zod";
import type { GraphClient } from "./graph-client.ts";

/** The signed-in mailbox's profile: who it is and every address it may send from. */
export const meSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  proxyAddresses: z.array(z.string()).nullish(),
  otherMails: z.array(z.string()).nullish(),
});
export type GraphMe = z.infer<typeof meSchema>;

/** GET /me (User.Read). https://learn.microsoft.com/graph/api/user-get */
export function fetchMe(graph: GraphClient): Promise<GraphMe> {
  return graph.request(
    { path: "/me?$select=id,displayName,mail,userPrincipalName,proxyAddresses,otherMails" },
    meSchema,
  );
}
