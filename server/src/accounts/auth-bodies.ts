import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./auth.ts";

/**
 * The bodies of the Better Auth endpoints we expose, checked before Better Auth sees them so a
 * refusal names the field in our words. Better Auth still enforces its own rules behind these.
 * Only the fields listed here are forwarded.
 */
const newPassword = z
  .string({ error: "Choose a password" })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`);

const email = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address"));

export const authBodies: Record<string, z.ZodType> = {
  "/sign-up/email": z.object({
    name: z
      .string({ error: "Enter your name" })
      .trim()
      .min(1, "Enter your name")
      .max(100, "Use at most 100 characters"),
    email,
    password: newPassword,
    rememberMe: z.boolean().optional(),
  }),
  "/sign-in/email": z.object({
    email,
    password: z
      .string({ error: "Enter your password" })
      .min(1, "Enter your password")
      .max(PASSWORD_MAX_LENGTH * 4),
    rememberMe: z.boolean().optional(),
  }),
  // No fields, but parsed all the same: a body Better Auth can't read would be its error to log.
  "/sign-out": z.object({}),
  "/change-password": z.object({
    currentPassword: z.string({ error: "Enter your current password" }).min(1, "Enter your current password"),
    newPassword,
    revokeOtherSessions: z.boolean().optional(),
  }),
};
