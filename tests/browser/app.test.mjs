// The web app in a real browser: the PRD-047 chat flow end to end (down to the delivered message),
// the chat's forgiving answers, the pipeline, a phone-sized screen, and the security promises.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createHmac } from "node:crypto";
import { startDemo, launch, signIn, ask, overture, artifacts, INBOUND_SECRET } from "./harness.mjs";

let demo;
let browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  demo = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

// Each test starts a new conversation (the conversation is kept per user).
beforeEach(async () => {
  const cleared = await demo.api("DELETE", "/api/chat");
  assert.equal(cleared.status, 204);
});

test("PRD flow: introduce, CC the AE, edit the subject, send, and the message is in the outbox", async () => {
  const { context, page } = await signIn(browser, demo);
  const answer = await ask(page, "Introduce upsell to Acme Corp");

  const contextCard = answer.getByRole("region", { name: "Expansion context for Acme Corp" });
  await contextCard.waitFor();
  assert.match(await contextCard.innerText(), /98\/100 in use/);
  const recommendation = answer.getByRole("region", { name: "Recommended approach for Acme Corp" });
  assert.match(await recommendation.innerText(), /Recommended approach: Problem-solving/);
  assert.match(await recommendation.innerText(), /98 of 100 licences/);

  const draft = answer.getByRole("region", { name: "Draft for Acme Corp" });
  assert.match(await draft.innerText(), /To\s+Jennifer Walsh <jennifer@acme\.example>/);
  const cc = draft.getByRole("button", { name: "CC Account Executive" });
  assert.equal(await cc.getAttribute("aria-pressed"), "false");
  await cc.click();
  await page.waitForFunction(() => document.querySelector("[aria-pressed='true']"));
  assert.match(await draft.innerText(), /Cc\s+Mike Alvarez <mike@vendor\.example>/);

  await draft.getByRole("button", { name: "Edit" }).click();
  const subject = draft.getByLabel("Subject");
  await subject.fill("Acme's 98 licences: two ways forward");
  await draft.getByRole("button", { name: "Save" }).click();
  await draft.getByText("Subject: Acme's 98 licences: two ways forward").waitFor();

  await draft.getByRole("button", { name: "Send" }).click();
  await page.getByText("Approved. Your introduction to Acme Corp is on its way").waitFor();
  await page.getByRole("status").filter({ hasText: /^Sent to Acme Corp/ }).first().waitFor({ timeout: 15000 });

  const delivered = demo.messages().filter((m) => m.includes("two ways forward"));
  assert.equal(delivered.length, 1, "exactly one message with the edited subject is in the outbox");
  assert.match(delivered[0], /^Subject: Acme's 98 licences: two ways forward\r?$/m);
  assert.match(delivered[0], /^Cc: .*mike@vendor\.example/m);
  assert.match(delivered[0], /^To: .*jennifer@acme\.example/m);
  await page.screenshot({ path: join(artifacts, "laptop.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("an ambiguous name asks which customer, and the choice drafts for it", async () => {
  const { context, page } = await signIn(browser, demo);
  const answer = await ask(page, "Introduce upsell to Northwind");
  assert.match(await answer.innerText(), /2 customers match “Northwind”\. Which one do you mean\?/);
  const options = answer.getByRole("group", { name: "Choose a customer" }).getByRole("button");
  assert.equal(await options.count(), 2);
  await options.first().click();
  await page.getByRole("region", { name: "Draft for Northwind" }).waitFor();
  await context.close();
});

test("an unknown customer gets a helpful answer, a typo still finds its customer", async () => {
  const { context, page } = await signIn(browser, demo);
  const unknown = await ask(page, "Introduce upsell to Zorg Industries");
  assert.match(await unknown.innerText(), /I couldn't find a customer called “Zorg Industries”/);
  const typo = await ask(page, "Show expansion context for acme crop.");
  await typo.getByRole("region", { name: "Expansion context for Acme Corp" }).waitFor();
  const nonsense = await ask(page, "what's the weather like");
  assert.match(await nonsense.innerText(), /I didn't understand/);
  await nonsense.getByRole("link", { name: "Who is ready for expansion?" }).waitFor();
  await context.close();
});

test("switching the approach rewrites the draft", async () => {
  const { context, page } = await signIn(browser, demo);
  const answer = await ask(page, "Introduce upsell to Globex Logistics");
  await answer.getByRole("region", { name: /^Draft for Globex/ }).waitFor();
  const before = await answer.getByRole("region", { name: /^Draft for Globex/ }).innerText();
  await answer.getByRole("button", { name: "Use value-add" }).click();
  await page.getByText("Rewritten with the value-add approach.").waitFor();
  const live = page.locator("section.draft:not(.superseded)");
  assert.equal(await live.count(), 1, "only the newest draft card has buttons");
  const after = await live.innerText();
  assert.match(after, /Value add · soft/);
  assert.notEqual(after, before);
  const direct = await ask(page, "Make it more direct");
  assert.match(await direct.innerText(), /Made it more direct\.[\s\S]*Value add · direct/);
  await context.close();
});

test("the checks mark ungrounded figures and pushy phrases in place, and Send asks to review them", async () => {
  const { context, page } = await signIn(browser, demo);
  const answer = await ask(page, "Introduce upsell to Tyrell Corp");
  const draft = answer.getByRole("region", { name: "Draft for Tyrell Corp" });
  await draft.getByText("Checks passed").waitFor();
  await draft.getByRole("button", { name: "Edit" }).click();
  const text = draft.getByLabel("Email text");
  await text.fill((await text.inputValue()) + "\nPrices rise 40% in January, so act now.");
  await draft.getByRole("button", { name: "Save" }).click();
  await draft.getByText("Review before sending").waitFor();
  const body = draft.getByRole("region", { name: "Email text as it will be sent" }).or(draft.locator("pre.body"));
  assert.equal(await body.locator("mark.ungrounded").first().innerText(), "40%");
  assert.equal((await body.locator("mark.pushy").first().innerText()).toLowerCase(), "act now");
  await draft.getByRole("button", { name: "Send" }).click();
  await draft.getByRole("status").filter({ hasText: "Tick “I have reviewed the checks” first" }).waitFor();
  const toCustomer = () => demo.messages().filter((m) => m.includes("Prices rise 40%") && /^To: .*rachael@tyrell\.example/m.test(m));
  assert.equal(toCustomer().length, 0, "nothing sent unreviewed");
  await draft.getByLabel("I have reviewed the checks").check();
  await draft.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").filter({ hasText: /^Sent to Tyrell Corp/ }).first().waitFor({ timeout: 15000 });
  assert.equal(toCustomer().length, 1, "sent once, to the customer (the AE gets a briefing of their own)");
  await context.close();
});

test("a draft can be scheduled: approved now, delivered at the time picked", async () => {
  const { context, page } = await signIn(browser, demo);
  const answer = await ask(page, "Introduce upsell to Umbrella Health");
  const draft = answer.getByRole("region", { name: "Draft for Umbrella Health" });
  await draft.getByText("Later…").click();
  // With no outcomes yet there is no suggested time, and the hint says why.
  await draft.locator(".suggestion").filter({ hasText: /^No suggested time yet\. Not enough data yet to suggest a send time/ }).waitFor();
  await draft.getByRole("button", { name: "Schedule" }).click();
  await draft.getByRole("status").filter({ hasText: "Pick a time in the future" }).waitFor();
  const tomorrow = await page.evaluate(() => {
    const d = new Date(Date.now() + 24 * 3600 * 1000);
    d.setSeconds(0, 0);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  });
  await draft.getByLabel("Deliver at").fill(tomorrow);
  const reviewed = draft.getByLabel("I have reviewed the checks");
  if (await reviewed.count()) await reviewed.check();
  await draft.getByRole("button", { name: "Schedule" }).click();
  await page.getByText(/Approved\. Your introduction to Umbrella Health is scheduled for \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/).waitFor();
  await page.getByRole("status").filter({ hasText: /^Scheduled: goes out to Umbrella Health on / }).first().waitFor();
  const history = await demo.api("GET", "/api/chat");
  const sending = history.body.messages.at(-1).cards.find((c) => c.type === "sending");
  assert.equal(sending.draft.status, "queued");
  const hours = (new Date(sending.draft.send_at) - Date.now()) / 3600000;
  assert.ok(hours > 23 && hours < 24.1, `send_at ${sending.draft.send_at}`);
  assert.equal(demo.messages().filter((m) => /^To: .*umbrella/mi.test(m)).length, 0, "nothing delivered before its time");
  await context.close();
});

test("who is ready, then the pipeline: charts, sorting, filtering, and a click opens the chat", async () => {
  const { context, page } = await signIn(browser, demo);
  const ready = await ask(page, "Who is ready for expansion?");
  assert.match(await ready.innerText(), /customers with an untouched opportunity are worth the most/);

  await page.getByRole("link", { name: "Pipeline" }).click();
  const signalChart = page.locator("#chart-signal svg[role=img]");
  await signalChart.waitFor();
  assert.equal(await page.locator("#chat-view").isVisible(), false, "one view at a time");
  assert.ok((await page.locator("#chart-signal rect.bar").count()) >= 3, "a bar per signal");
  assert.match(await signalChart.getAttribute("aria-label"), /Opportunities by signal: seat limit \d+ opportunit(y|ies)/);
  await page.locator("#chart-approach").waitFor();
  const rows = page.locator("#pipeline-table tbody tr");
  assert.ok((await rows.count()) >= 10);

  await page.getByRole("button", { name: "Customer" }).click();
  const firstByName = await rows.first().locator("td").first().innerText();
  await page.getByRole("button", { name: "Customer" }).click();
  const lastByName = await rows.first().locator("td").first().innerText();
  assert.ok(firstByName.localeCompare(lastByName) < 0, `sorting flips: ${firstByName} then ${lastByName}`);

  await page.getByLabel("Filter customers").fill("acme");
  assert.equal(await rows.count(), 1);
  await page.screenshot({ path: join(artifacts, "pipeline.png"), fullPage: true });
  await rows.first().getByRole("button", { name: "Acme Corp" }).click();
  await page.getByRole("region", { name: "Expansion context for Acme Corp" }).last().waitFor();
  assert.equal(new URL(page.url()).hash, "#chat");
  await context.close();
});

test("the insights page shows what works, with a chart and the summary", async () => {
  // An introduction with an answer: Globex's (Sarah's customer), sent through the API and answered by hand.
  const draft = await demo.api("POST", "/api/customers/globex/upsell-intro", {});
  assert.equal(draft.status, 201);
  const sent = await demo.api("POST", `/api/drafts/${draft.body.draft.id}/send`, { acknowledge_warnings: true });
  assert.equal(sent.status, 202);
  const opportunity = draft.body.draft.opportunity_id;
  for (let i = 0; i < 100 && (await demo.api("GET", `/api/opportunities/${opportunity}`)).body.status !== "intro_sent"; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const answered = await demo.api("POST", `/api/opportunities/${opportunity}/response`, { response: "positive" });
  assert.equal(answered.status, 200, JSON.stringify(answered.body));

  const { context, page } = await signIn(browser, demo);
  await page.getByRole("link", { name: "Insights" }).click();
  await page.getByRole("heading", { name: "What works" }).waitFor();
  const chart = page.locator("#chart-rates svg[role=img]");
  await chart.waitFor();
  assert.equal(draft.body.draft.approach, "problem_solving", "the rules' choice for Globex");
  assert.match(await chart.getAttribute("aria-label"), /Problem-solving \d+% \(likely \d+% to \d+%, 1 of 1\)/);
  assert.match(await chart.getAttribute("aria-label"), /Value-add: no introductions yet/);
  assert.equal(await page.locator("#chart-rates rect.bar").count(), 1, "a bar only where there is data");
  assert.match(await page.locator("#insights-summary").innerText(), /Not enough data yet: 1 introduction had an outcome/);
  assert.match(await page.locator("#insights-table").innerText(), /Problem-solving\s+1\s+1/);
  assert.match(await page.locator("#insights-basis").innerText(), /Based on 1 introduction with an outcome.*Opens are not counted/);
  // When to send: the weekday and hour of the recipient (Globex is in New York), not enough for a suggestion.
  const weekday = page.locator("#chart-weekday svg[role=img]");
  await weekday.waitFor();
  assert.match(await weekday.getAttribute("aria-label"), /(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d+% \(likely \d+% to \d+%, 1 of 1\)/);
  assert.equal(await page.locator("#chart-weekday rect.bar").count(), 1);
  assert.equal(await page.locator("#chart-hours rect.bar").count(), 1);
  assert.match(await page.locator("#timing-summary").innerText(), /Not enough data yet to suggest a send time: 1 introduction with a known recipient time zone/);
  assert.match(await page.locator("#timing-basis").innerText(), /1 of 1 introductions with an outcome went to a recipient whose time zone is known/);
  // Buying styles: Globex's contact is analytical in the demo's CRM.
  const styles = page.locator("#chart-styles svg[role=img]");
  await styles.waitFor();
  assert.match(await styles.getAttribute("aria-label"), /Analytical \d+% \(likely \d+% to \d+%, 1 of 1\)/);
  assert.match(await page.locator("#styles-summary").innerText(), /1 of 1 introductions went to a reader whose buying style was known/);
  assert.equal(await page.locator("#chat-view").isVisible(), false);
  await page.screenshot({ path: join(artifacts, "insights.png"), fullPage: true });
  await context.close();
});

test("a reply Overture is unsure of waits on the Replies page, and one click labels it", async () => {
  // Stark's introduction, sent; the customer answers with nothing of their own but our email.
  const draft = await demo.api("POST", "/api/customers/stark/upsell-intro", {});
  assert.equal(draft.status, 201, JSON.stringify(draft.body));
  const sent = await demo.api("POST", `/api/drafts/${draft.body.draft.id}/send`, { acknowledge_warnings: true });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  const opportunity = draft.body.draft.opportunity_id;
  for (let i = 0; i < 100 && (await demo.api("GET", `/api/opportunities/${opportunity}`)).body.status !== "intro_sent"; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const delivered = (await demo.api("GET", `/api/drafts/${draft.body.draft.id}`)).body;
  const quoted = delivered.text.split("\n").map((l) => `> ${l}`).join("\r\n");
  const raw = `From: Pepper Potts <pepper@stark.example>\r\nTo: sarah@vendor.example\r\nSubject: Re: ${delivered.subject}\r\n` +
    `Message-ID: <browser-unclear@stark.example>\r\nIn-Reply-To: <${delivered.message_id}>\r\n\r\n${quoted}\r\n`;
  const signature = "sha256=" + createHmac("sha256", INBOUND_SECRET).update(raw).digest("hex");
  const inbound = await fetch(`${demo.url}/api/inbound/email`, { method: "POST", headers: { "X-Overture-Signature": signature, "Content-Type": "message/rfc822" }, body: raw });
  const read = await inbound.json();
  assert.equal(read.label, "unclear", JSON.stringify(read));

  const { context, page } = await signIn(browser, demo);
  const link = page.getByRole("link", { name: "Replies, 1 waiting for your label" });
  await link.waitFor();
  const answer = await ask(page, "Which replies need me?");
  await answer.getByRole("region", { name: "Replies that need you" }).waitFor();
  assert.match(await answer.innerText(), /One reply is waiting for your label/);
  await link.click();
  await page.getByRole("heading", { name: "Replies that need you" }).waitFor();
  const item = page.locator("#review-list li").first();
  assert.match(await item.innerText(), /Pepper Potts/);
  assert.match(await item.innerText(), /Suggested: /);
  await item.getByRole("button", { name: "Label the reply from Pepper Potts as Positive" }).click();
  await page.getByText("Labelled positive.").waitFor();
  await page.getByText("Nothing is waiting for you.").waitFor();
  await page.getByRole("link", { name: "Replies", exact: true }).waitFor();
  const opp = (await demo.api("GET", `/api/opportunities/${opportunity}`)).body;
  assert.equal(opp.intro_response, "positive");
  assert.equal(opp.status, "conversation");
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(artifacts, "replies.png"), fullPage: true });
  await context.close();
});

test("the CSM sets a contact's buying style in the context card, and the next draft is written for it", async () => {
  const { context, page } = await signIn(browser, demo);
  const answer = await ask(page, "Introduce upsell to Vandelay Industries");
  const card = answer.getByRole("region", { name: "Expansion context for Vandelay Industries" });
  const style = card.getByLabel("Art Vandelay's buying style");
  assert.equal(await style.inputValue(), "unknown");
  await style.selectOption("driver");
  await card.getByRole("status").filter({ hasText: "Saved, set by a CSM. New drafts for Art Vandelay use it." }).waitFor();
  const contact = (await demo.api("GET", "/api/customers/vandelay")).body.contacts[0];
  assert.deepEqual([contact.buying_style, contact.buying_style_source], ["driver", "csm"]);
  // Asked again, the draft is the driver's: three lines and a direct question.
  const again = await ask(page, "Make it more direct");
  const text = await again.getByRole("region", { name: "Draft for Vandelay Industries" }).getByLabel("Email text as it will be sent").innerText();
  assert.match(text, /\nTwo options: .*\nWhich would you prefer\?/s, text);
  await context.close();
});

test("a phone-sized screen shows the whole flow without sideways scrolling", async () => {
  const { context, page } = await signIn(browser, demo, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const answer = await ask(page, "Introduce upsell to Initech");
  await answer.getByRole("region", { name: "Draft for Initech" }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: join(artifacts, "phone.png"), fullPage: true });
  await context.close();
});

test("keyboard only: the message box has focus, Enter sends, Tab reaches the draft's buttons", async () => {
  const { context, page } = await signIn(browser, demo);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "message", null, { timeout: 5000 });
  await page.keyboard.type("Introduce upsell to Umbrella Health");
  await page.keyboard.press("Enter");
  await page.getByRole("region", { name: "Draft for Umbrella Health" }).waitFor();
  const reached = new Set();
  await page.getByRole("region", { name: "Draft for Umbrella Health" }).locator("summary").first().focus();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    reached.add(await page.evaluate(() => document.activeElement.textContent.trim()));
  }
  for (const name of ["Edit", "CC Account Executive", "Send"]) assert.ok(reached.has(name), `Tab reaches ${name}: ${[...reached]}`);
  await context.close();
});

test("security: no session redirects to sign-in, a write without the CSRF token is refused, names are text", async () => {
  const anonymous = await browser.newContext();
  const page0 = await anonymous.newPage();
  await page0.goto(demo.url + "/");
  assert.equal(new URL(page0.url()).pathname, "/signin");
  await page0.getByLabel("Access token").fill("ovt_not_a_token");
  await page0.getByRole("button", { name: "Sign in" }).click();
  await page0.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
  await anonymous.close();

  const { context, page } = await signIn(browser, demo);
  const headers = await page.evaluate(() => fetch("/", { method: "HEAD" }).then((r) => r.headers.get("content-security-policy")));
  assert.match(headers, /script-src 'self'/);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "overture_session");
  assert.ok(session.httpOnly && session.sameSite === "Strict", "HttpOnly, SameSite=Strict");
  assert.equal(await page.evaluate(() => document.cookie), "", "scripts cannot read the session cookie");
  const forged = await page.evaluate(async () => {
    const r = await fetch("/api/chat", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message: "help" }) });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(forged.status, 403);
  assert.equal(forged.body.error.code, "csrf_token_missing");

  const evil = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>Evil Co";
  const bundle = join(demo.dir, "evil.json");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(bundle, JSON.stringify({ customers: [{ external_id: "evil", name: evil, plan: "professional", seats_purchased: 10, csm: "sarah@vendor.example", contacts: [{ name: "<b>Eve</b>", email: "eve@evil.example" }] }] }));
  await overture(demo, ["import", bundle]);
  const answer = await ask(page, "Show expansion context for evil");
  const card = answer.getByRole("region", { name: /^Expansion context for / });
  await card.waitFor();
  assert.ok((await card.innerText()).includes(evil + ": expansion context"), "the name is shown exactly, as text");
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "no script ran");
  assert.equal(await page.locator("#log img, #log script, #log b").count(), 0, "no element came from the name");
  await context.close();

  const signOut = await signIn(browser, demo);
  await signOut.page.getByRole("button", { name: "Sign out" }).click();
  await signOut.page.waitForURL(/\/signin$/);
  await signOut.page.goto(demo.url + "/");
  assert.equal(new URL(signOut.page.url()).pathname, "/signin", "signed out for good");
  await signOut.context.close();
});

test("the first page load is under 200 KB", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(demo.url + "/signin");
  await page.getByLabel("Access token").fill(demo.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(demo.url + "/");
  await page.reload();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  await page.goto(demo.url + "/", { waitUntil: "networkidle" });
  await page.getByLabel("Message").waitFor();
  console.log(`first page load: ${(bytes / 1024).toFixed(1)} KB transferred`);
  assert.ok(bytes > 10_000 && bytes < 200 * 1024, `${bytes} bytes`);
  await context.close();
});
