/** Threads that began three to five days ago, oldest first. */
import { BILLING, DANA, HELP, PNG, SUPPORT, sign, type Thread } from "./thread.ts";

export const EARLIER_THREADS: Thread[] = [
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
];
