import { routes } from "@mailroom/contract";
import { callApi } from "../api.ts";

export type { AttentionChannel, AttentionView } from "@mailroom/contract";
export { attentionWords } from "@mailroom/contract";

/** The channels that need someone to act, whom to ask, and whether the viewer may reconnect. */
export const listAttention = () => callApi(routes.listAttention);

/** Where to send the browser to reconnect this channel (Microsoft's sign-in, pre-filled). */
export const startReconnect = (id: string, returnTo: "channels" | "credentials" = "channels") =>
  callApi(routes.startReconnect, { params: { id }, body: { returnTo } });

export const ATTENTION_QUERY = ["channels", "attention"] as const;
