import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api.ts";

/**
 * The one server-state cache of the SPA (TanStack Query, ADR 016). Live events invalidate what they
 * name instead of views refetching by hand; answers the server refused for good (4xx) are not
 * retried, a lost connection or a 5xx is, twice.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) =>
          failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}
