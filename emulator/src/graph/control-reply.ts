/** The control API's answer to a bad body: 400 `{error: "invalid_request", message}`. */
import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { Store } from "../store/store.ts";
import type { Mailbox } from "../store/types.ts";

export function invalid(reply: FastifyReply, error: z.ZodError | string) {
  const message = typeof error === "string" ? error : z.prettifyError(error);
  return reply.code(400).send({ error: "invalid_request", message });
}

/** The mailbox named by id, UPN or any of its addresses, or undefined with a 404 sent. */
export function mailboxOr404(store: Store, ref: string, reply: FastifyReply): Mailbox | undefined {
  const mailbox = store.mailbox(ref) ?? store.mailboxByAddress(ref);
  if (!mailbox) reply.code(404).send({ error: "not_found", message: `no mailbox ${ref}` });
  return mailbox;
}
