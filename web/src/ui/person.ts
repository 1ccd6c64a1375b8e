/** How a person with an email address reads in the app. */

/**
 * The name worth showing beside an address, if any. Graph gives an address without a display name
 * the address itself as its name, and "help@contoso.com <help@contoso.com>" says it twice.
 */
export function displayNameOf(p: { name?: string | null; address: string }): string | undefined {
  const name = p.name?.trim();
  return name && name.toLowerCase() !== p.address.trim().toLowerCase() ? name : undefined;
}

/** "Dana Whitfield <dana@fabrikam.com>", or the bare address when there is no other name. */
export function personWithAddress(p: { name?: string | null; address: string }): string {
  const name = displayNameOf(p);
  return name ? `${name} <${p.address}>` : p.address;
}
