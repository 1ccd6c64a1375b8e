/**
 * Contract tests with Microsoft's own JavaScript SDK (@microsoft/microsoft-graph-client v3) against
 * the running emulator over HTTPS: the SDK uses the global fetch, which trusts the emulator's CA
 * through undici's global dispatcher; `customHosts` lets its auth middleware attach the token.
 */
import {
  Client,
  FileUpload,
  LargeFileUploadTask,
  type PageCollection,
  PageIterator,
} from "@microsoft/microsoft-graph-client";
import type { Message, User } from "@microsoft/microsoft-graph-types";
import { Agent, getGlobalDispatcher, setGlobalDispatcher, fetch as undiciFetch } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { deleteMessage, deliverMessage, updateMessage } from "../store/messages.ts";
import { startEmulator, userToken } from "./testing.ts";

type Item = Message & { "@removed"?: { reason: string } };

describe("@microsoft/microsoft-graph-client against the emulator", () => {
  let emulator: Emulator;
  const previous = getGlobalDispatcher();
  const client = (user: string) =>
    Client.initWithMiddleware({
      baseUrl: emulator.url,
      defaultVersion: "v1.0",
      customHosts: new Set(["localhost"]),
      authProvider: { getAccessToken: async () => userToken(emulator, user) },
    });

  beforeAll(async () => {
    emulator = await startEmulator();
    setGlobalDispatcher(new Agent({ connect: { ca: emulator.caPem } }));
  });
  afterEach(() => emulator.reset());
  afterAll(async () => {
    setGlobalDispatcher(previous);
    await emulator.close();
  });

  /** Runs a PageIterator over a delta round; returns the items and the deltaLink. */
  async function iterate(graph: Client, first: PageCollection) {
    const items: Item[] = [];
    const iterator = new PageIterator(
      graph,
      first,
      (item: Item) => {
        items.push(item);
        return true;
      },
      { headers: { Prefer: 'odata.maxpagesize=4, IdType="ImmutableId"' } },
    );
    await iterator.iterate();
    return { items, deltaLink: iterator.getDeltaLink() };
  }

  it("GETs /me with $select", async () => {
    const me = (await client("support")
      .api("/me")
      .select(["id", "displayName", "proxyAddresses"])
      .get()) as User;
    expect(me.displayName).toBe("Contoso Support");
    expect(me.proxyAddresses).toContain("smtp:billing@contoso.com");
  });

  it("lists messages with $select and $top", async () => {
    const page = (await client("support")
      .api("/me/messages")
      .select("subject,from")
      .top(3)
      .get()) as PageCollection;
    expect(page.value).toHaveLength(3);
    expect(Object.keys(page.value[0] as object)).toEqual(expect.arrayContaining(["subject", "from", "id"]));
    expect(page["@odata.nextLink"]).toMatch(/^https:\/\/localhost:\d+\/v1\.0\//);
  });

  it("follows delta pages with PageIterator, then reads created, updated and @removed changes", async () => {
    const graph = client("support");
    const prefer = 'odata.maxpagesize=4, IdType="ImmutableId"';
    const first = (await graph
      .api("/me/mailFolders/inbox/messages/delta")
      .header("Prefer", prefer)
      .select("subject,isRead")
      .get()) as PageCollection;
    const initial = await iterate(graph, first);
    const mailbox = emulator.store.mailbox("support@contoso.com")!;
    const inbox = [...mailbox.folders.values()].find((f) => f.wellKnownName === "inbox")!;
    expect(initial.items).toHaveLength(inbox.messages.size);
    expect(initial.deltaLink).toMatch(/\$deltatoken=/);

    const created = deliverMessage(emulator.store, mailbox, "inbox", {
      subject: "Via SDK",
      from: { emailAddress: { name: "Dana Whitfield", address: "customer@fabrikam.com" } },
    });
    updateMessage(emulator.store, mailbox, initial.items[0]!.id!, { isRead: true });
    deleteMessage(emulator.store, mailbox, initial.items[1]!.id!);
    const next = (await graph.api(initial.deltaLink!).header("Prefer", prefer).get()) as PageCollection;
    const changes = await iterate(graph, next);
    const byId = new Map(changes.items.map((item) => [item.id, item]));
    expect(byId.get(created.id)?.subject).toBe("Via SDK");
    expect(byId.get(initial.items[0]!.id!)?.isRead).toBe(true);
    expect(byId.get(initial.items[1]!.id!)?.["@removed"]).toEqual({ reason: "deleted" });
  });

  it("sends a reply that arrives threaded in the other mailbox", async () => {
    const support = client("support");
    const page = (await support.api("/me/mailFolders/inbox/messages").top(1).get()) as PageCollection;
    const parent = page.value[0] as Message;
    const draft = (await support
      .api(`/me/messages/${parent.id}/createReply`)
      .post({ comment: "Sorted, thanks." })) as Message;
    await support.api(`/me/messages/${draft.id}/send`).post({});
    const customer = client("customer");
    const inbox = (await customer
      .api("/me/mailFolders/inbox/messages")
      .top(1)
      .select("subject,conversationId,internetMessageId,internetMessageHeaders")
      .get()) as PageCollection;
    const arrived = inbox.value[0] as Message;
    expect(arrived.subject).toBe(draft.subject);
    expect(arrived.internetMessageHeaders?.find((h) => h.name === "In-Reply-To")?.value).toBe(
      parent.internetMessageId,
    );
    const original = (await customer
      .api("/me/messages")
      .filter(`internetMessageId eq '${parent.internetMessageId}'`)
      .select("conversationId")
      .get()) as PageCollection;
    expect(arrived.conversationId).toBe((original.value[0] as Message).conversationId);
  });

  /**
   * The upload URL is Outlook's, not Graph's: the SDK sends no token there (its auth middleware
   * only serves Graph hosts and `customHosts`), which is what Outlook wants. Here both live on
   * localhost, so the upload goes through a client without `customHosts`, as toward outlook.office.com.
   */
  const uploadClient = () =>
    Client.initWithMiddleware({
      authProvider: {
        getAccessToken: async () => {
          throw new Error("no token is sent to the upload URL");
        },
      },
    });

  /**
   * The SDK sets Content-Length on each range; Node 20's bundled fetch hands it to the npm undici
   * Agent (our global dispatcher) in a form that Agent refuses ("invalid content-length header").
   * undici's own fetch with the same Agent is fine (so is NODE_EXTRA_CA_CERTS with no dispatcher).
   */
  async function withUndiciFetch<T>(run: () => Promise<T>): Promise<T> {
    const bundled = globalThis.fetch;
    globalThis.fetch = undiciFetch as unknown as typeof fetch;
    try {
      return await run();
    } finally {
      globalThis.fetch = bundled;
    }
  }

  it("uploads a large attachment with LargeFileUploadTask in 2 MiB ranges, then resumes one with getStatus", async () => {
    const support = client("support");
    const draft = (await support.api("/me/messages").post({ subject: "Large file" })) as Message;
    const file = new Uint8Array(5 * 1024 * 1024 + 321).fill(9).buffer;
    const createSession = (name: string) =>
      LargeFileUploadTask.createUploadSession(
        support,
        `/me/messages/${draft.id}/attachments/createUploadSession`,
        { AttachmentItem: { attachmentType: "file", name, size: file.byteLength } },
      );
    const rangeSize = 2 * 1024 * 1024; // the walkthrough's range; the SDK's default (5 MiB) is over Outlook's 4 MB
    const ranges: number[] = [];
    const task = new LargeFileUploadTask(
      uploadClient(),
      new FileUpload(file, "a.bin", file.byteLength),
      await createSession("a.bin"),
      {
        rangeSize,
        uploadEventHandlers: { progress: (range) => ranges.push(range?.minValue ?? -1) },
      },
    );
    const result = await withUndiciFetch(() => task.upload());
    expect(result.location).toMatch(/\/Attachments\('[^']+'\)$/);
    expect(ranges).toEqual([0, rangeSize, 2 * rangeSize]);

    // A second file: one range goes through, the connection drops, a new task resumes from the server's state.
    const session = await createSession("b.bin");
    const first = new LargeFileUploadTask(
      uploadClient(),
      new FileUpload(file, "b.bin", file.byteLength),
      session,
      {
        rangeSize,
      },
    );
    await withUndiciFetch(() =>
      first.uploadSlice(file.slice(0, rangeSize), first.getNextRange(), file.byteLength),
    );
    const resumed = new LargeFileUploadTask(
      uploadClient(),
      new FileUpload(file, "b.bin", file.byteLength),
      session,
      {
        rangeSize,
      },
    );
    await resumed.getStatus();
    expect(resumed.getNextRange().minValue).toBe(rangeSize);
    expect((await withUndiciFetch(() => resumed.upload())).location).toMatch(/\/Attachments\('/);

    const attachments = (await support
      .api(`/me/messages/${draft.id}/attachments`)
      .select("name,size")
      .get()) as PageCollection;
    expect(attachments.value).toEqual([
      expect.objectContaining({ name: "a.bin", size: file.byteLength }),
      expect.objectContaining({ name: "b.bin", size: file.byteLength }),
    ]);
  });
});
