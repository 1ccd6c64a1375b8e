/** Threads that began in the last three days, oldest first. */
import { BILLING, DANA, HELP, SUPPORT, sign, type Thread } from "./thread.ts";

export const RECENT_THREADS: Thread[] = [
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
