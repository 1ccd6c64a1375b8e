/**
 * Shared route plumbing: every mail route exists for `/me` and `/users/{id|userPrincipalName}`,
 * `@odata.context` URLs, and turning query/lookup failures into Graph errors.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { graphError } from "../errors/graph-error.ts";
import type { Mailbox } from "../store/types.ts";
import { QueryError } from "./query.ts";

/** `["/me/x", "/users/:userId/x"]`. */
export const owners = (path: string): string[] => [`/me${path}`, `/users/:userId${path}`];

/** The mailbox `authorize` resolved (routes with a `graphAccess` config always have one). */
export function mailboxOf(request: FastifyRequest): Mailbox {
  const mailbox = request.graphMailbox;
  if (!mailbox) throw new Error("route without graphAccess config");
  return mailbox;
}

/** `https://host/v1.0/$metadata#users('id')/messages…` as Graph writes it. */
export function contextUrl(request: FastifyRequest, mailbox: Mailbox, suffix: string): string {
  return `${request.server.emulator.baseUrl}/v1.0/$metadata#users('${mailbox.id}')/${suffix}`;
}

export const ITEM_NOT_FOUND = "The specified object was not found in the store.";

export function itemNotFound(reply: FastifyReply): FastifyReply {
  return graphError(reply, 404, "ErrorItemNotFound", ITEM_NOT_FOUND);
}

/** Runs a handler part that may throw QueryError (bad `$select`, `$filter`…) → 400 like Graph. */
export function queryErrorReply(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof QueryError) return graphError(reply, 400, error.code, error.message);
  throw error;
}
