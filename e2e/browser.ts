import fs from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/**
 * Debian's Chromium, driven by playwright-core: the one way every E2E journey gets a browser.
 * Launch once per test file, open a fresh context (its own cookies) per journey.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * How long a locator waits for its condition before the step fails: long enough for what a page
 * waits on (a sync job, a live event) on a busy machine; only a failing step waits it out.
 */
const STEP_TIMEOUT_MS = 30_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface PageOptions {
  /** The app's origin; `page.goto("/inbox")` resolves against it. */
  baseURL: string;
  /** Defaults to a laptop (1280×800). */
  viewport?: { width: number; height: number };
  /** Accept self-signed certificates: the Microsoft emulator serves HTTPS with its own CA. */
  ignoreHTTPSErrors?: boolean;
}

export interface JourneyPage {
  context: BrowserContext;
  page: Page;
  /**
   * Console errors and uncaught exceptions seen so far (CSP violations show up here), minus the
   * browser's own "Failed to load resource" lines for HTTP errors the app handles (401, 404…).
   */
  problems: string[];
  close(): Promise<void>;
}

/** A new, isolated browser context and page, recording the page's errors. */
export async function openPage(browser: Browser, options: PageOptions): Promise<JourneyPage> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(message.text());
    }
  });
  page.on("pageerror", (error) => problems.push(`Uncaught: ${error.message}`));
  return { context, page, problems, close: () => context.close() };
}

const WEB_INDEX = path.resolve(import.meta.dirname, "../web/dist/index.html");

/** The server serves the built SPA; without it every journey would fail on a blank 404. */
export function assertWebBuilt(): void {
  if (!fs.existsSync(WEB_INDEX)) {
    throw new Error(
      `${WEB_INDEX} is missing: build the web app first (npm run build -w web; npm test does it)`,
    );
  }
}

/** Fills the login form the way a person would. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}
