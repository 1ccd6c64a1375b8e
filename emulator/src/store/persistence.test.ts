import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createClock } from "../clock.ts";
import { createEmulator } from "../server.ts";
import { findFolder } from "./folders.ts";
import { deliverMessage, findMessage, moveMessage } from "./messages.ts";
import { deserializeState, serializeState, stateFile } from "./persistence.ts";

describe("persistence", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("round-trips the state through JSON", async () => {
    const emulator = await createEmulator({ clock: createClock({ timeScale: 0 }) });
    try {
      const original = emulator.store.state;
      const copy = deserializeState(JSON.parse(JSON.stringify(serializeState(original, 0))));
      expect(serializeState(copy, 0)).toEqual(serializeState(original, 0));
      expect(copy.mailboxes.get(emulator.store.mailbox("support@contoso.com")!.id)!.folders).toBeInstanceOf(
        Map,
      );
    } finally {
      await emulator.close();
    }
  });

  it("keeps messages, moves and the change log across a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "emulator-persist-"));
    dirs.push(dataDir);
    const first = await createEmulator({ dataDir, persist: true });
    const support = first.store.mailbox("support@contoso.com")!;
    const message = deliverMessage(first.store, support, "inbox", { subject: "survives restarts" });
    moveMessage(first.store, support, message.id, "archive");
    const seq = support.changeSeq;
    await first.close();
    expect((await stat(stateFile(dataDir))).mode & 0o777).toBe(0o600);

    const second = await createEmulator({ dataDir, persist: true });
    try {
      const reloaded = second.store.mailbox("support@contoso.com")!;
      expect(reloaded.changeSeq).toBe(seq);
      expect(findMessage(second.store, reloaded, message.id)?.folder.id).toBe(
        findFolder(reloaded, "archive")!.id,
      );
      expect(second.caPem).toBe(first.caPem);
    } finally {
      await second.close();
    }
  });
});
