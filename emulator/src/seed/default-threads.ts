/**
 * Five days of support mail for the default seed, as conversations. `default.ts` turns each step
 * into copies (sender's Sent Items, recipients' Inboxes) with proper In-Reply-To / References.
 */

export interface ThreadStep {
  from: string;
  to: string[];
  cc?: string[];
  /** Offset from now, e.g. `-4d3h`. */
  at: string;
  body: string;
  bodyType?: "text" | "html";
  importance?: "low" | "normal" | "high";
  unread?: boolean;
  flagged?: boolean;
  attachments?: {
    name: string;
    contentType: string;
    contentBytes: string;
    isInline?: boolean;
    contentId?: string;
  }[];
}

export interface Thread {
  key: string;
  subject: string;
  steps: ThreadStep[];
}

const SUPPORT = "Contoso Support <support@contoso.com>";
const HELP = "Contoso Help <help@contoso.com>";
const BILLING = "Contoso Billing <billing@contoso.com>";
const DANA = "Dana Whitfield <customer@fabrikam.com>";
/** A 1×1 PNG, standing in for a customer's photo. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const sign = (name: string) => `\n\nBest regards,\n${name}`;

export const DEFAULT_THREADS: Thread[] = [
  {
    key: "fabrikam-damaged-order",
    subject: "Order #48213 arrived damaged",
    steps: [
      {
        from: DANA,
        to: [SUPPORT],
        at: "-4d22h",
        body: `Hello,\n\nOur order #48213 (12 desk lamps) arrived this morning and three of the boxes were crushed. Two lamps have cracked shades.\n\nHow do we proceed?${sign("Dana Whitfield\nOperations Manager, Fabrikam")}`,
      },
      {
        from: SUPPORT,
        to: [DANA],
        at: "-4d20h",
        body: `Hi Dana,\n\nSorry to hear that. Could you send us photos of the damaged boxes and lamps? We will ship replacements as soon as we have them.${sign("Contoso Support")}`,
      },
      {
        from: DANA,
        to: [SUPPORT],
        at: "-4d2h",
        body: "Photos attached. Thanks for the quick answer.\n\nDana",
        attachments: [{ name: "damaged-lamp.png", contentType: "image/png", contentBytes: PNG }],
      },
      {
        from: SUPPORT,
        to: [DANA],
        at: "-3d23h",
        body: `Thanks Dana, replacements for the two lamps ship today with tracking number 1Z999AA10123456784.${sign("Contoso Support")}`,
      },
    ],
  },
  {
    key: "northwind-password-reset",
    subject: "Cannot reset my password",
    steps: [
      {
        from: "Priya Raman <priya.raman@northwindtraders.com>",
        to: [SUPPORT],
        at: "-4d18h",
        body: "Hi, the password reset link you send me expires before I can click it. I tried three times today.\n\nPriya",
      },
      {
        from: SUPPORT,
        to: ["Priya Raman <priya.raman@northwindtraders.com>"],
        at: "-4d17h",
        body: `Hi Priya,\n\nI have extended the link lifetime on your account to 24 hours. Please request a new one and let us know.${sign("Contoso Support")}`,
      },
      {
        from: "Priya Raman <priya.raman@northwindtraders.com>",
        to: [SUPPORT],
        at: "-4d16h",
        body: "That worked, thanks!",
      },
    ],
  },
  {
    key: "adventure-works-double-charge",
    subject: "Invoice INV-2024-0117 charged twice",
    steps: [
      {
        from: "Marcus Lee <marcus@adventure-works.com>",
        to: [BILLING],
        at: "-4d6h",
        importance: "high",
        body: "Hello,\n\nOur card was charged twice for invoice INV-2024-0117 ($1,240.00 each). Please refund the duplicate.\n\nMarcus Lee\nAccounts Payable, Adventure Works",
      },
      {
        from: BILLING,
        to: ["Marcus Lee <marcus@adventure-works.com>"],
        at: "-4d4h",
        body: `Hi Marcus,\n\nYou are right, the payment went through twice. I have started a refund of $1,240.00; it takes 3–5 business days.${sign("Contoso Billing")}`,
      },
      {
        from: "Marcus Lee <marcus@adventure-works.com>",
        to: [BILLING],
        at: "-2d5h",
        body: "Hi, the refund has not shown up yet. Can you send a confirmation?\n\nMarcus",
      },
      {
        from: BILLING,
        to: ["Marcus Lee <marcus@adventure-works.com>"],
        at: "-2d3h",
        body: `Hi Marcus,\n\nRefund reference RF-88213, issued on our side. Your bank should post it by Friday.${sign("Contoso Billing")}`,
      },
    ],
  },
  {
    key: "gmail-shipping-spain",
    subject: "Question about shipping to Spain",
    steps: [
      {
        from: "Sofia Alvarez <sofia.alvarez@gmail.com>",
        to: [HELP],
        at: "-3d21h",
        body: "Hola! Do you ship to the Canary Islands, and are customs fees included?\n\nSofia",
      },
      {
        from: HELP,
        to: ["Sofia Alvarez <sofia.alvarez@gmail.com>"],
        at: "-3d19h",
        body: `Hi Sofia,\n\nWe do ship to the Canary Islands. Customs fees are not included and are collected by the carrier on delivery.${sign("Contoso Help")}`,
      },
    ],
  },
  {
    key: "tailspin-csv-export",
    subject: "Feature request: export to CSV",
    steps: [
      {
        from: "Tom Becker <tom.becker@tailspintoys.com>",
        to: [SUPPORT],
        at: "-3d15h",
        bodyType: "html",
        body: "<html><body><p>Hi team,</p><p>Could you add an <b>export to CSV</b> button on the orders page? We copy the table by hand every month.</p><p>Thanks,<br>Tom</p></body></html>",
      },
      {
        from: SUPPORT,
        to: ["Tom Becker <tom.becker@tailspintoys.com>"],
        at: "-3d12h",
        body: `Hi Tom,\n\nGood idea, I have passed it to our product team. I will let you know when it ships.${sign("Contoso Support")}`,
      },
    ],
  },
  {
    key: "azure-usage-summary",
    subject: "Your weekly Azure usage summary",
    steps: [
      {
        from: "Microsoft Azure <azure-noreply@microsoft.com>",
        to: [SUPPORT],
        at: "-3d8h",
        bodyType: "html",
        body: '<html><head><style>p{font-family:Segoe UI}</style></head><body><p>Your subscription <b>Contoso Production</b> used $412.18 this week, 6% more than last week.</p><p><a href="https://portal.azure.com">View details</a></p></body></html>',
      },
    ],
  },
  {
    key: "wwi-bulk-quote",
    subject: "Bulk order quote for 500 units",
    steps: [
      {
        from: "Li Wei <li.wei@wideworldimporters.com>",
        to: [SUPPORT],
        cc: ["Alex Wilber <alex@contoso.com>"],
        at: "-2d22h",
        body: "Hello,\n\nWe would like a quote for 500 units of the DL-200 desk lamp, delivered to Rotterdam.\n\nLi Wei\nWide World Importers",
      },
      {
        from: SUPPORT,
        to: ["Li Wei <li.wei@wideworldimporters.com>"],
        at: "-2d20h",
        body: `Hi Li,\n\nFor 500 units we can offer $18.50 per unit, delivery included, net 30.${sign("Contoso Support")}`,
      },
      {
        from: "Li Wei <li.wei@wideworldimporters.com>",
        to: [SUPPORT],
        at: "-6h",
        unread: true,
        flagged: true,
        body: "Thank you. Could you do net 60 on that order?\n\nLi",
      },
    ],
  },
  {
    key: "webde-return-label",
    subject: "Rücksendung / return label",
    steps: [
      {
        from: "Emma Schultz <emma.schultz@web.de>",
        to: [HELP],
        at: "-2d14h",
        body: "Guten Tag,\n\nI would like to return the lamp I ordered (order #48990). Could you send me a return label?\n\nViele Grüße\nEmma Schultz",
      },
      {
        from: HELP,
        to: ["Emma Schultz <emma.schultz@web.de>"],
        at: "-2d10h",
        body: `Hallo Emma,\n\nHere is your return label: https://returns.contoso.com/label/48990\n\nViele Grüße,\nContoso Help`,
      },
    ],
  },
  {
    key: "internal-maintenance",
    subject: "Heads-up: planned maintenance on Saturday",
    steps: [
      {
        from: "Alex Wilber <alex@contoso.com>",
        to: [SUPPORT],
        at: "-1d20h",
        body: "Hi all,\n\nThe order system will be down for maintenance on Saturday from 06:00 to 08:00 UTC. Please let customers know if they ask.\n\nAlex",
      },
    ],
  },
  {
    key: "litware-site-down",
    subject: "URGENT: checkout page down?",
    steps: [
      {
        from: "Jordan Patel <jpatel@litwareinc.com>",
        to: [SUPPORT],
        at: "-1d9h",
        importance: "high",
        body: "Your checkout page returns an error 502 for the last 20 minutes. We need to place an order today!\n\nJordan",
      },
      {
        from: SUPPORT,
        to: ["Jordan Patel <jpatel@litwareinc.com>"],
        at: "-1d8h",
        body: `Hi Jordan,\n\nThanks for the report, it is fixed now. Sorry for the trouble.${sign("Contoso Support")}`,
      },
      {
        from: "Jordan Patel <jpatel@litwareinc.com>",
        to: [SUPPORT],
        at: "-1d7h",
        body: "All good now, order placed. Thanks.",
      },
    ],
  },
  {
    key: "outlook-delivery-address",
    subject: "Change delivery address",
    steps: [
      {
        from: "Grace Kim <grace.kim@outlook.com>",
        to: [HELP],
        at: "-20h",
        body: "Hi, I moved last week. Can you change the delivery address of order #49120 to 12 Elm Street, Redmond, WA 98052?\n\nGrace",
      },
      {
        from: HELP,
        to: ["Grace Kim <grace.kim@outlook.com>"],
        at: "-18h",
        body: `Hi Grace,\n\nDone: order #49120 will go to 12 Elm Street, Redmond, WA 98052.${sign("Contoso Help")}`,
      },
    ],
  },
  {
    key: "fourthcoffee-partnership",
    subject: "Partnership inquiry",
    steps: [
      {
        from: "Olivia Brown <olivia@fourthcoffee.com>",
        to: [SUPPORT],
        at: "-14h",
        unread: true,
        bodyType: "html",
        body: "<p>Hello Contoso,</p><p>Fourth Coffee is opening 40 new cafés next year and we are looking for a lighting partner. Who should I talk to?</p><p>Olivia Brown<br>Head of Procurement</p>",
      },
    ],
  },
  {
    key: "proseware-card-update",
    subject: "Update credit card on file",
    steps: [
      {
        from: "Noah Wilson <noah.wilson@proseware.com>",
        to: [BILLING],
        at: "-10h",
        body: "Hello, our company card changes next month. How do I update the card on file without interrupting the subscription?\n\nNoah",
      },
      {
        from: BILLING,
        to: ["Noah Wilson <noah.wilson@proseware.com>"],
        at: "-9h",
        body: `Hi Noah,\n\nYou can update it under Account > Billing > Payment methods. The subscription keeps running while you change it.${sign("Contoso Billing")}`,
      },
    ],
  },
  {
    key: "partner-api-limits",
    subject: "API rate limit question",
    steps: [
      {
        from: "Ahmed Hassan <ahmed.hassan@contoso-partner.net>",
        to: [SUPPORT],
        at: "-5h",
        body: "Hi,\n\nWe get HTTP 429 from your orders API at about 50 requests per second. What is the documented limit?\n\nAhmed",
      },
      {
        from: SUPPORT,
        to: ["Ahmed Hassan <ahmed.hassan@contoso-partner.net>"],
        at: "-4h",
        body: `Hi Ahmed,\n\nThe limit is 40 requests per second per API key. Please honour the Retry-After header.${sign("Contoso Support")}`,
      },
      {
        from: "Ahmed Hassan <ahmed.hassan@contoso-partner.net>",
        to: [SUPPORT],
        at: "-1h",
        unread: true,
        body: "Thanks. Can the limit be raised for our production key?\n\nAhmed",
      },
    ],
  },
  {
    key: "fabrikam-invoice-copy",
    subject: "Copy of invoice for March",
    steps: [
      {
        from: DANA,
        to: [BILLING],
        at: "-30m",
        unread: true,
        body: "Hello,\n\nCould you send a PDF copy of our March invoice? Our accounting team cannot find it.\n\nThanks,\nDana",
      },
    ],
  },
];
