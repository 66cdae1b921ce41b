// Starts `overture demo` on a free port with its own database and file outbox, and launches Debian's
// chromium through playwright-core (never a downloaded browser).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
export const root = resolve(here, "../..");
export const artifacts = join(root, "target", "browser");
/** The inbound webhook's key in the demo the tests start. */
export const INBOUND_SECRET = "browser-inbound-secret";

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** The binary under test: $OVERTURE_BIN, else the debug build `cargo test` made. */
function binary() {
  const bin = process.env.OVERTURE_BIN || join(root, "target", "debug", "overture");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`cargo build\` first (or set OVERTURE_BIN)`);
  return bin;
}

/** Runs an `overture` command against the demo's database (e.g. an import) and waits for it. */
export function overture(demo, args) {
  return new Promise((done, fail) => {
    const child = spawn(binary(), args, { env: demo.env, cwd: demo.dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => (code === 0 ? done(output) : fail(new Error(`overture ${args.join(" ")} failed (${code}):\n${output}`))));
  });
}

export async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), "overture-browser-"));
  const port = await freePort();
  const env = {
    ...process.env,
    OVERTURE_DATABASE_URL: `sqlite://${join(dir, "overture.db")}`,
    OVERTURE_BIND: `127.0.0.1:${port}`,
    OVERTURE_MAIL: `file:${join(dir, "outbox")}`,
    OVERTURE_POLL_SECS: "3600",
    OVERTURE_INBOUND_SECRET: INBOUND_SECRET,
    RUST_LOG: "warn",
  };
  const child = spawn(binary(), ["demo"], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stderr.on("data", (d) => (output += d));
  const token = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the demo did not start in 60 s:\n${output}`)), 60000);
    child.stdout.on("data", (d) => {
      output += d;
      const m = output.match(/ovt_[0-9a-f]{64}/);
      if (m) {
        clearTimeout(timer);
        done(m[0]);
      }
    });
    child.on("exit", (code) => fail(new Error(`the demo exited (${code}):\n${output}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const demo = {
    url,
    token,
    dir,
    env,
    outbox: join(dir, "outbox"),
    /** The .eml files delivered so far, as text. */
    messages() {
      if (!existsSync(this.outbox)) return [];
      return readdirSync(this.outbox).filter((f) => f.endsWith(".eml")).map((f) => readFileSync(join(this.outbox, f), "utf8"));
    },
    /** Calls the API with the demo's bearer token. */
    async api(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json().catch(() => null) };
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return demo;
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh browser context signed in through the sign-in page, as a CSM would. */
export async function signIn(browser, demo, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.errors = errors;
  await page.goto(demo.url + "/");
  await page.getByLabel("Access token").fill(demo.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Message").waitFor();
  await page.locator("body[data-ready=true]").waitFor();
  return { context, page };
}

/** Types a message in the chat and waits for the answer. */
export async function ask(page, text) {
  const before = await page.locator("#log > li.assistant:not(.pending)").count();
  await page.getByLabel("Message").fill(text);
  await page.getByLabel("Message").press("Enter");
  await page.locator("#log > li.assistant:not(.pending)").nth(before).waitFor();
  await page.locator("#log > li.pending").waitFor({ state: "detached" });
  return page.locator("#log > li.assistant").last();
}
