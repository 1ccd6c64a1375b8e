import { useLoad } from "../ui/use-load.ts";
import { getConnectOptions } from "./outlook-api.ts";

/** What the connect pages need: may this person connect, which app, the redirect URI, the permissions. */
export const useConnectOptions = () => useLoad(getConnectOptions, "connect-options");
