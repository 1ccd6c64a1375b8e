// The import rules of Mailroom, checked by `npm run lint` (scripts/depcruise.mjs runs
// dependency-cruiser over server/src, web/src and emulator/src). Each rule says why it exists; the
// README's "Architecture" section draws the same map. A new module gets a line in LAYERS.

const TEST = "\\.test\\.tsx?$";
const src = (paths) => `^server/src/(${paths})`;

/**
 * server/src from the top down: a file may import its own layer or a lower one, never a higher
 * one. The composition root wires everything; http/ composes the modules' routes; inbox and sync
 * are peers; mail is the message store both read and write through; channels own the mailbox
 * connections; accounts and jobs sit on the ground floor with Microsoft, the database, crypto,
 * outgoing email, live events, config, logging and errors.
 */
const LAYERS = [
  ["composition root", src("main\\.ts|start\\.ts")],
  ["http", src("http/")],
  ["inbox and sync", src("inbox/|sync/|outbox/")],
  ["mail", src("mail/")],
  ["channels", src("channels/")],
  ["accounts and jobs", src("accounts/|jobs/")],
  ["ground floor", src("microsoft/|db/|crypto/|email/|events/|config\\.ts|log\\.ts|errors\\.ts")],
];

/** ADR 008: channels may use the inbox's tables and default inbox, and nothing else of inbox/. */
const INBOX_DATA_LAYER = "^server/src/inbox/(schema|default-inbox)\\.ts$";

const layerRules = LAYERS.slice(1).map(([name, path], index) => ({
  name: `layer-${name.replaceAll(" ", "-")}`,
  severity: "error",
  comment: `${name} is below ${LAYERS.slice(0, index + 1)
    .map(([above]) => above)
    .join(
      ", ",
    )}: a lower layer never imports a higher one, so each can be read and tested without what is built on it.`,
  from: { path },
  to: { path: LAYERS.slice(0, index + 1).map(([, above]) => above), pathNot: INBOX_DATA_LAYER },
}));

/** sync/'s stages and which other stages each may use (besides sync-deps.ts and job-messages.ts). */
const STAGES = {
  state: [],
  intake: ["subscriptions"],
  delta: ["state", "subscriptions"],
  subscriptions: ["state"],
  backfill: ["state"],
  health: ["state", "subscriptions"],
};

const stageRules = Object.entries(STAGES).map(([stage, allowed]) => ({
  name: `sync-stage-${stage}`,
  severity: "error",
  comment: `sync/${stage}/ may use ${allowed.length ? allowed.map((s) => `sync/${s}/`).join(" and ") : "no other stage"}: stages queue each other's jobs through job-messages.ts instead, so each stage reads alone and none imports one that imports it back.`,
  from: { path: `^server/src/sync/${stage}/` },
  to: {
    path: "^server/src/sync/[^/]+/",
    pathNot: [`^server/src/sync/${stage}/`, ...allowed.map((s) => `^server/src/sync/${s}/`)],
  },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "Files that import each other can only be understood, changed and tested together. Break a loop with a leaf file (types, job messages) or by passing a function in.",
      from: {},
      to: { circular: true },
    },
    {
      name: "server-not-to-emulator",
      severity: "error",
      comment:
        "The server and the emulator speak HTTPS to each other, exactly as Mailroom and Microsoft do (ADR 004); only tests start an emulator.",
      from: { path: "^server/src/", pathNot: TEST },
      to: { path: "^emulator/" },
    },
    {
      name: "emulator-not-to-server-or-web",
      severity: "error",
      comment: "The emulator is Microsoft in a box: it knows nothing of its clients (ADR 004).",
      from: { path: "^emulator/src/" },
      to: { path: "^(server|web)/" },
    },
    {
      name: "web-not-to-server-or-emulator",
      severity: "error",
      comment:
        "The browser talks to the server over HTTP only; shared shapes live in the contract package, not in server code.",
      from: { path: "^web/src/" },
      to: { path: "^(server|emulator)/" },
    },
    {
      name: "contract-imports-no-app",
      severity: "error",
      comment: "The contract is what server and web agree on: it depends on neither (nor on the emulator).",
      from: { path: "^contract/" },
      to: { path: "^(server|web|emulator)/" },
    },
    {
      name: "microsoft-knows-no-module",
      severity: "error",
      comment:
        "microsoft/ is the only code that speaks Microsoft, and only that: no routes, no tables, no other module. It may use config, log and errors.",
      from: { path: "^server/src/microsoft/" },
      to: {
        path: "^server/src/",
        pathNot: ["^server/src/microsoft/", "^server/src/(config|log|errors)\\.ts$"],
      },
    },
    {
      name: "microsoft-no-http-or-database-library",
      severity: "error",
      comment: "microsoft/ knows no routes and no tables: no Fastify, Drizzle, pg, PGlite or pg-boss.",
      from: { path: "^server/src/microsoft/" },
      to: { path: "node_modules/(fastify|@fastify|drizzle-orm|pg|pg-boss|@electric-sql)/" },
    },
    {
      name: "nothing-imports-http",
      severity: "error",
      comment:
        "http/ composes the app: modules register their routes through it and publish live events through events/, so nothing below it imports it.",
      from: { path: "^server/src/", pathNot: ["^server/src/(main|start)\\.ts$", "^server/src/http/"] },
      to: { path: "^server/src/http/" },
    },
    ...layerRules,
    {
      name: "inbox-not-to-sync",
      severity: "error",
      comment:
        "inbox and sync are peers: the inbox asks sync through the syncStatus port http/app.ts hands it, never by importing it.",
      from: { path: "^server/src/inbox/" },
      to: { path: "^server/src/sync/" },
    },
    {
      name: "sync-not-to-inbox",
      severity: "error",
      comment: "inbox and sync are peers: sync stores mail through mail/, and knows no inbox.",
      from: { path: "^server/src/sync/" },
      to: { path: "^server/src/inbox/" },
    },
    {
      name: "channels-only-inbox-data-layer",
      severity: "error",
      comment:
        "ADR 008: channels may use inbox/schema.ts and inbox/default-inbox.ts, and nothing else of inbox/.",
      from: { path: "^server/src/channels/" },
      to: { path: "^server/src/inbox/", pathNot: INBOX_DATA_LAYER },
    },
    {
      name: "tables-have-one-owner",
      severity: "error",
      comment:
        "Each table is read and written by the module that owns it (ADR 015); others ask it through functions. Another module's schema.ts is imported only by a schema.ts, for a foreign key, and by channel-store.ts for the inbox tables ADR 008 gives channels.",
      from: {
        path: "^server/src/([^/]+)/",
        pathNot: ["schema\\.ts$", "^server/src/channels/channel-store\\.ts$"],
      },
      to: { path: "^server/src/.+/schema\\.ts$", pathNot: "^server/src/$1/" },
    },
    ...stageRules,
    {
      name: "sync-stages-use-only-the-leaves",
      severity: "error",
      comment:
        "sync's root files compose the stages (jobs.ts, routes.ts, channel-hooks.ts); a stage uses only the leaves sync-deps.ts and job-messages.ts.",
      from: { path: "^server/src/sync/[^/]+/" },
      to: {
        path: "^server/src/sync/[^/]+\\.ts$",
        pathNot: "^server/src/sync/(sync-deps|job-messages)\\.ts$",
      },
    },
    {
      name: "sync-leaves-stay-leaves",
      severity: "error",
      comment: "sync-deps.ts and job-messages.ts are leaves every stage imports; they import no stage.",
      from: { path: "^server/src/sync/(sync-deps|job-messages)\\.ts$" },
      to: { path: "^server/src/sync/" },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A file nothing imports and that imports nothing is dead code, or a missing import.",
      from: { orphan: true, pathNot: "\\.d\\.ts$" },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a loop through types is still a loop for whoever reads the code.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs"] },
  },
};
