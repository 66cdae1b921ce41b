// Overture's web app: the chat (with its cards) and the pipeline. Plain JavaScript, no build step.
// Every piece of data reaches the page as text (textContent, never innerHTML), so a customer named
// "<script>" is shown, not run. Writes carry the session's CSRF token.
"use strict";
(function () {
  // ---------- small helpers ----------
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

  /** Builds an element: props are attributes (class via className), `on` handlers, children are nodes or text. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "className") el.className = value;
      else if (key === "on") for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
      else if (key === "text") el.textContent = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) el.setAttribute(key, String(value));
    for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return el;
  }

  const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  const number = new Intl.NumberFormat("en-US");
  const pct = (x) => (x === null || x === undefined ? "" : `${Math.round(x * 100)}%`);
  const words = (s) => (s ? String(s).replace(/_/g, " ").replace(/\bapi\b/gi, "API") : "");
  const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : "");
  const date = (iso) => (iso ? new Date(iso.length === 10 ? `${iso}T00:00:00` : iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" }) : "");
  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) : "");
  const mailbox = (m) => (m ? `${m.name} <${m.email}>` : "");

  // ---------- the API ----------
  let csrf = null;

  class ApiFailure extends Error {
    constructor(message, code, status) {
      super(message);
      this.code = code;
      this.status = status;
    }
  }

  async function api(method, url, body) {
    // A write made before the session is loaded waits for its CSRF token.
    if (method !== "GET" && !csrf) await ready;
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
    let response;
    try {
      response = await fetch(url, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiFailure("Overture cannot be reached. Check your connection and try again.", "network", 0);
    }
    if (response.status === 401) {
      location.assign("/signin");
      throw new ApiFailure("Your session has ended: sign in again.", "unauthorized", 401);
    }
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiFailure(error.message || `The request failed (HTTP ${response.status}).`, error.code, response.status);
    }
    return data;
  }

  // ---------- the conversation ----------
  const log = $("log");
  const input = $("message");
  /** Every rendered draft card: { draftId, el, render } — only the newest is interactive. */
  const draftCards = [];
  /** Draft ids being watched until they are sent or fail. */
  const watching = new Set();

  function scrollToEnd(el) {
    (el || log.lastElementChild)?.scrollIntoView({ block: "end", behavior: "smooth" });
  }

  function renderMessage(message) {
    if (message.role === "user") {
      const li = h("li", { className: "line user" }, message.text);
      log.append(li);
      return li;
    }
    const li = h("li", { className: "line assistant" }, h("div", { className: "text" }, message.text));
    const cards = Array.isArray(message.cards) ? message.cards : [];
    const draftInMessage = cards.find((c) => c.type === "draft");
    for (const card of cards) {
      const el = renderCard(card, draftInMessage);
      if (el) li.append(el);
    }
    log.append(li);
    return li;
  }

  function renderCard(card, draftInMessage) {
    switch (card.type) {
      case "context": return contextCard(card.context);
      case "recommendation": return recommendationCard(card, draftInMessage);
      case "draft": return draftCard(card);
      case "sending": return sendingCard(card);
      case "choices": return choicesCard(card);
      case "opportunities": return opportunitiesCard(card);
      case "timeline": return timelineCard(card);
      case "help": return helpCard(card);
      case "review": return reviewCard(card);
      default: return null;
    }
  }

  /** Sends a message (typed, or made by a button) and renders the answer. */
  async function say(text, extra) {
    const message = text.trim();
    if (!message) return;
    renderMessage({ role: "user", text: message });
    const pending = h("li", { className: "line assistant pending" }, h("div", { className: "text" }, "Working on it…"));
    log.append(pending);
    scrollToEnd(pending);
    try {
      const reply = await api("POST", "/api/chat", Object.assign({ message }, extra || {}));
      pending.remove();
      let last = null;
      for (const m of reply.messages) if (m.role === "assistant") last = renderMessage(m);
      scrollToEnd(last);
    } catch (e) {
      pending.classList.remove("pending");
      pending.firstChild.textContent = `That did not work: ${e.message}`;
    }
  }

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    autosize();
    say(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  function autosize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
  }
  input.addEventListener("input", autosize);

  /** A link that asks something when followed (a suggestion). */
  function chip(text) {
    return h("a", { className: "chip", href: "#chat", on: { click: (e) => { e.preventDefault(); say(text); } } }, text);
  }

  function welcome(name) {
    const first = name ? name.split(" ")[0] : "";
    const li = h("li", { className: "line assistant" },
      h("div", { className: "text" }, `Hi${first ? " " + first : ""}. I help you open expansion conversations that feel helpful, not salesy. Ask who is ready, or name a customer.`),
      h("div", { className: "chips" }, chip("Who is ready for expansion?"), chip("Introduce upsell to Acme Corp"), chip("help")));
    log.append(li);
  }

  // ---------- cards ----------
  function meter(fraction) {
    const f = Math.max(0, Math.min(1, fraction || 0));
    const bar = h("span", {});
    bar.style.width = `${Math.round(f * 100)}%`;
    return h("span", { className: `meter${f >= 0.9 ? " high" : ""}`, "aria-hidden": "true" }, bar);
  }

  function facts(pairs) {
    const dl = h("dl", { className: "facts" });
    for (const [label, value] of pairs) {
      if (value === null || value === undefined || value === "") continue;
      dl.append(h("dt", {}, label), h("dd", {}, value));
    }
    return dl;
  }

  function contextCard(ctx) {
    if (!ctx) return null;
    const c = ctx.customer;
    const seats = ctx.usage.seats;
    const api = ctx.usage.api_calls;
    const opp = ctx.opportunity;
    const requests = ctx.feature_requests.map((r) => `${r.name} (${date(r.requested_at)}${r.in_current_plan ? "" : ", in " + r.available_in.join(" / ")})`);
    const rows = [
      ["Plan", c.plan.name],
      ["Licences", seats.used !== null && seats.used !== undefined
        ? [`${number.format(seats.used)}/${number.format(seats.purchased)} in use (${pct(seats.utilization)})`, meter(seats.utilization)]
        : `${number.format(seats.purchased)} purchased`],
      ["Active users", seats.monthly_active_users !== null && seats.monthly_active_users !== undefined
        ? `${number.format(seats.monthly_active_users)} in the last 30 days${seats.inactive ? `, ${number.format(seats.inactive)} inactive` : ""}` : null],
      ["API calls (30 days)", api.last_30_days !== null && api.last_30_days !== undefined
        ? [`${number.format(api.last_30_days)}${api.limit ? ` of ${number.format(api.limit)} (${pct(api.utilization)})` : ""}`, api.limit ? meter(api.utilization) : null]
        : null],
      ["Feature requests", requests.length ? requests.join("; ") : "none"],
      ["Health", c.health_score !== null && c.health_score !== undefined ? `${c.health_score}/100` : "unknown"],
      ["Renewal", c.renewal_date ? `${date(c.renewal_date)} (in ${c.days_to_renewal} days)` : null],
      ["ARR", money.format(c.arr)],
      ["Opportunity", opp ? `${words(opp.kind)} to ${opp.target_plan.name}, ${number.format(opp.seats)} seats, ${money.format(opp.annual_value)} a year` : "none right now"],
      ["Opportunity status", opp ? words(opp.status) : null],
      ["Contact", ctx.contact ? `${ctx.contact.name}${ctx.contact.title ? ", " + ctx.contact.title : ""}${ctx.contact.time_zone ? ` (${ctx.contact.time_zone})` : ""}` : "no contact on file"],
    ];
    const card = h("section", { className: "card context", "aria-label": `Expansion context for ${c.name}` },
      h("h2", {}, `${c.name}: expansion context`),
      facts(rows));
    if (ctx.contact && ctx.contact.email) card.append(styleControl(c, ctx.contact));
    if (opp && opp.rationale) card.append(h("p", { className: "hint" }, opp.rationale));
    if (ctx.signals.length) {
      card.append(h("h3", {}, "Signals"),
        h("ul", { className: "signals" }, ctx.signals.map((s) => h("li", {}, `${s.summary} `, h("span", { className: "badge" }, `${words(s.kind)} · ${pct(s.strength)}`)))));
    }
    return card;
  }

  const STYLES = { unknown: "Unknown", analytical: "Analytical: figures and a comparison", driver: "Driver: three lines and a direct question", amiable: "Amiable", expressive: "Expressive" };
  const SOURCES = { import: "from the CRM", csm: "set by a CSM", inferred: "inferred from their replies" };

  /** The contact's buying style, which the CSM may change; new drafts are written for it. */
  function styleControl(customer, contact) {
    const id = `style-${customer.id}-${Math.random().toString(36).slice(2, 8)}`;
    const select = h("select", { id }, Object.entries(STYLES).map(([value, label]) => h("option", { value }, label)));
    select.value = contact.buying_style || "unknown";
    const note = h("span", { className: "hint", role: "status" }, contact.buying_style_source ? SOURCES[contact.buying_style_source] || "" : "");
    select.addEventListener("change", async () => {
      select.disabled = true;
      try {
        const saved = await api("PATCH", `/api/customers/${customer.id}/contacts/${encodeURIComponent(contact.email)}`, { buying_style: select.value });
        select.value = saved.buying_style;
        note.textContent = `Saved${saved.buying_style_source ? ", " + SOURCES[saved.buying_style_source] : ""}. New drafts for ${contact.name} use it.`;
      } catch (e) {
        note.textContent = e.message;
        select.value = contact.buying_style || "unknown";
      }
      select.disabled = false;
    });
    return h("p", { className: "style-control" }, h("label", { for: id }, `${contact.name}'s buying style`), " ", select, " ", note);
  }

  function recommendationCard(card, draftInMessage) {
    const section = h("section", { className: "card recommendation", "aria-label": `Recommended approach for ${card.customer.name}` },
      h("h2", {}, `Recommended approach: ${card.label}`),
      h("ul", { className: "reasons" }, (card.reasons || []).map((r) => h("li", {}, r))));
    if (card.ae_involvement) {
      section.append(h("p", { className: "hint" }, card.ae_involvement.recommended
        ? `Involve the Account Executive: ${card.ae_involvement.reason}`
        : card.ae_involvement.reason));
    }
    const others = (card.approaches || []).filter((a) => a.approach !== (card.draft_approach || card.approach));
    if (draftInMessage && others.length) {
      section.append(h("h3", {}, "Switch approach"),
        h("div", { className: "chips" }, others.map((a) => h("button", {
          type: "button", className: "secondary",
          on: { click: () => say(`Use the ${a.label.toLowerCase()} approach`, { draft_id: draftInMessage.draft_id }) },
        }, `Use ${a.label.toLowerCase()}`))));
    }
    return section;
  }

  /** The text with ungrounded figures and pushy phrases marked where they stand. */
  function highlighted(text, checks) {
    const marks = [];
    for (const u of (checks && checks.grounding && checks.grounding.ungrounded) || []) marks.push({ phrase: u, cls: "ungrounded", title: "Not from the customer's data" });
    for (const f of (checks && checks.pushiness && checks.pushiness.findings) || []) marks.push({ phrase: f.phrase, cls: "pushy", title: f.reason });
    const spans = [];
    const lower = text.toLowerCase();
    for (const m of marks) {
      if (!m.phrase) continue;
      let from = 0;
      const needle = m.phrase.toLowerCase();
      for (;;) {
        const at = lower.indexOf(needle, from);
        if (at < 0) break;
        if (!spans.some((s) => at < s.end && at + needle.length > s.start)) spans.push({ start: at, end: at + needle.length, m });
        from = at + needle.length;
      }
    }
    spans.sort((a, b) => a.start - b.start);
    const out = [];
    let pos = 0;
    for (const s of spans) {
      out.push(text.slice(pos, s.start));
      out.push(h("mark", { className: s.m.cls, title: s.m.title }, text.slice(s.start, s.end)));
      pos = s.end;
    }
    out.push(text.slice(pos));
    return out;
  }

  function hasWarnings(draft) {
    return draft.checks.pushiness.findings.length > 0 || draft.checks.grounding.ungrounded.length > 0;
  }

  function checksBlock(draft) {
    const findings = draft.checks.pushiness.findings;
    const ungrounded = draft.checks.grounding.ungrounded;
    if (!findings.length && !ungrounded.length) {
      return h("div", { className: "checks" }, h("span", { className: "badge ok" }, "Checks passed"),
        ` Every figure comes from ${draft.checks.grounding.figures.length ? "the customer's data" : "the template"}; nothing pushy found.`);
    }
    return h("div", { className: "checks warn" },
      h("strong", {}, "Review before sending"),
      h("ul", { className: "findings" },
        ungrounded.map((u) => h("li", {}, h("mark", { className: "ungrounded" }, u), " is not from the customer's data")),
        findings.map((f) => h("li", {}, h("mark", { className: "pushy" }, f.phrase), ` ${f.reason}`))));
  }

  const FINAL = new Set(["sent", "failed", "discarded"]);

  function statusText(draft, customerName) {
    switch (draft.status) {
      case "queued":
        if (draft.send_at && new Date(draft.send_at) > new Date()) return `Scheduled: goes out to ${customerName} on ${date(draft.send_at)} at ${time(draft.send_at)}.`;
        return `Queued: going out to ${customerName} in a moment…`;
      case "sending": return `Sending to ${customerName}…`;
      case "sent": return `Sent to ${customerName}${draft.sent_at ? " at " + time(draft.sent_at) : ""} (${draft.to.map((m) => m.name).join(", ")}).`;
      case "failed": return `Not sent: ${draft.error || "the mail server refused it"}. Fix the cause and press Send again.`;
      case "discarded": return "Discarded.";
      default: return "";
    }
  }

  function draftCard(card) {
    const entry = { draftId: card.draft_id, card, draft: card.draft, editing: false, el: h("section", { className: "card draft" }) };
    if (!card.draft) {
      entry.el.append(h("p", { className: "hint" }, "This draft is no longer available."));
      return entry.el;
    }
    // Earlier draft cards become summaries: only the newest one has buttons.
    for (const older of draftCards) { older.live = false; older.render(); }
    entry.live = true;
    entry.render = () => renderDraft(entry);
    draftCards.push(entry);
    entry.render();
    if (!FINAL.has(card.draft.status) && card.draft.status !== "draft") watch(card.draft_id);
    return entry.el;
  }

  function updateDraft(draft) {
    for (const entry of draftCards) if (entry.draftId === draft.id) { entry.draft = draft; entry.render(); }
    for (const entry of sendingCards) if (entry.draftId === draft.id) { entry.draft = draft; entry.render(); }
  }

  function renderDraft(entry) {
    const { el, card } = entry;
    const draft = entry.draft;
    const name = card.customer.name;
    el.replaceChildren();
    el.setAttribute("aria-label", `Draft for ${name}`);
    const tone = `${cap(words(draft.approach))} · ${draft.tone}`;
    const badge = draft.status === "draft" ? null : h("span", { className: `badge ${draft.status === "sent" ? "ok" : draft.status === "failed" ? "bad" : "warn"}` }, words(draft.status));
    if (!entry.live) {
      el.classList.add("superseded");
      const newer = draftCards.some((d) => d !== entry && d.draftId === entry.draftId && d.live);
      el.append(h("p", {}, `Draft for ${name} (${tone}): “${draft.subject}” `, badge, newer ? " · the latest version is below." : ""));
      return;
    }
    el.classList.remove("superseded");
    el.append(h("h2", {}, `Draft for ${name} `, h("span", { className: "badge" }, tone), " ", badge));
    const envelope = h("dl", { className: "envelope" },
      h("dt", {}, "From"), h("dd", {}, mailbox(draft.from)),
      h("dt", {}, "To"), h("dd", {}, draft.to.length ? draft.to.map(mailbox).join(", ") : "no recipient: add a contact"),
      draft.cc.length ? [h("dt", {}, "Cc"), h("dd", {}, draft.cc.map(mailbox).join(", "))] : null);
    el.append(envelope);
    const editable = draft.status === "draft" || draft.status === "failed";
    const status = h("p", { className: `status ${draft.status}`, role: "status" }, statusText(draft, name));
    if (entry.editing && editable) {
      el.append(editor(entry, status), status);
      return;
    }
    el.append(
      h("p", { className: "subject" }, "Subject: ", draft.subject),
      h("pre", { className: "body", "aria-label": "Email text as it will be sent" }, highlighted(draft.text, draft.checks)),
      checksBlock(draft),
      h("details", { className: "preview" }, h("summary", {}, "Preview the HTML"),
        h("iframe", { src: draft.preview_url, sandbox: "", title: `HTML preview of the email to ${name}`, loading: "lazy" })));
    if (!editable) {
      el.append(status);
      return;
    }
    let reviewed = null;
    if (hasWarnings(draft)) {
      reviewed = h("input", { type: "checkbox", id: `reviewed-${draft.id}` });
      el.append(h("p", {}, reviewed, " ", h("label", { for: `reviewed-${draft.id}` }, "I have reviewed the checks")));
    }
    const ae = card.ae;
    const aeId = `ae-${draft.id}-${draftCards.length}`;
    const aeNote = h("span", { className: "who-ae", id: aeId }, ae ? `${ae.name}${ae.email ? " <" + ae.email + ">" : ""}${draft.cc_ae ? " is copied in" : ""}` : "No Account Executive assigned");
    const ccButton = h("button", {
      type: "button", className: "secondary", "aria-pressed": draft.cc_ae ? "true" : "false", "aria-describedby": aeId, disabled: !ae,
      on: { click: () => patchDraft(entry, { cc_ae: !draft.cc_ae, revision: draft.revision }, status) },
    }, "CC Account Executive");
    const editButton = h("button", { type: "button", className: "secondary", on: { click: () => { entry.editing = true; entry.render(); entry.el.querySelector("input")?.focus(); } } }, "Edit");
    const sendButton = h("button", {
      type: "button",
      on: {
        click: async () => {
          if (reviewed && !reviewed.checked) {
            status.textContent = "Tick “I have reviewed the checks” first: the checks found something to look at.";
            reviewed.focus();
            return;
          }
          sendButton.disabled = true;
          await say("Send", { draft_id: draft.id, revision: draft.revision, acknowledge_warnings: !!(reviewed && reviewed.checked) });
          const fresh = await api("GET", `/api/drafts/${draft.id}`).catch(() => null);
          if (fresh) updateDraft(fresh);
          sendButton.disabled = false;
        },
      },
    }, "Send");
    // Later: approve now, deliver at a time the CSM picks (in their own time zone).
    const when = h("input", { type: "datetime-local", id: `deliver-at-${draft.id}-${draftCards.length}` });
    const schedule = h("button", {
      type: "button", className: "secondary",
      on: {
        click: async () => {
          const at = when.value ? new Date(when.value) : null;
          if (!at || Number.isNaN(at.getTime()) || at <= new Date()) {
            status.textContent = "Pick a time in the future to deliver it at.";
            when.focus();
            return;
          }
          if (reviewed && !reviewed.checked) {
            status.textContent = "Tick “I have reviewed the checks” first: the checks found something to look at.";
            reviewed.focus();
            return;
          }
          schedule.disabled = true;
          await say("Send", { draft_id: draft.id, revision: draft.revision, acknowledge_warnings: !!(reviewed && reviewed.checked), send_at: at.toISOString() });
          const fresh = await api("GET", `/api/drafts/${draft.id}`).catch(() => null);
          if (fresh) updateDraft(fresh);
          schedule.disabled = false;
        },
      },
    }, "Schedule");
    // Opening "Later…" asks for the suggested time on the recipient's clock and fills it in.
    const suggestion = h("p", { className: "hint suggestion" });
    const later = h("details", { className: "later" }, h("summary", {}, "Later…"),
      h("div", { className: "actions" }, h("label", { for: when.id }, "Deliver at"), when, schedule), suggestion);
    later.addEventListener("toggle", async () => {
      if (!later.open || suggestion.dataset.loaded) return;
      suggestion.dataset.loaded = "1";
      try {
        const s = await api("GET", `/api/drafts/${draft.id}/send-time`);
        if (s.send_at) {
          const at = new Date(s.send_at);
          if (!when.value) when.value = localInput(at);
          const theirs = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: s.time_zone }).format(at);
          suggestion.textContent = `Suggested: ${theirs} their time (${s.time_zone}). ${s.reason}`;
        } else {
          suggestion.textContent = `No suggested time yet. ${s.reason}`;
        }
      } catch (e) {
        suggestion.textContent = e.message;
      }
    });
    el.append(
      h("p", { className: "hint" }, `Send delivers it to ${draft.to.map(mailbox).join(", ") || "nobody"}${draft.cc.length ? ", Cc " + draft.cc.map(mailbox).join(", ") : ""}.`),
      h("div", { className: "actions" }, editButton, ccButton, aeNote, sendButton),
      later,
      status);
  }

  /** A date as a datetime-local input reads it: the CSM's own clock, to the minute. */
  function localInput(at) {
    const two = (n) => String(n).padStart(2, "0");
    return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
  }

  function editor(entry, status) {
    const draft = entry.draft;
    const subject = h("input", { id: `subject-${draft.id}`, value: draft.subject, maxlength: 300 });
    const text = h("textarea", { id: `text-${draft.id}`, rows: 14 });
    text.value = draft.text;
    const cancel = () => { entry.editing = false; entry.render(); };
    const form = h("form", {
      className: "editor",
      on: {
        submit: async (e) => {
          e.preventDefault();
          const ok = await patchDraft(entry, { subject: subject.value, text: text.value, revision: draft.revision }, status);
          if (ok) { entry.editing = false; entry.render(); }
        },
        keydown: (e) => { if (e.key === "Escape") cancel(); },
      },
    },
    h("label", { for: subject.id }, "Subject"), subject,
    h("label", { for: text.id }, "Email text"), text,
    h("p", { className: "hint" }, "The checks run again when you save; the HTML part is rebuilt from this text."),
    h("div", { className: "actions" }, h("button", { type: "submit" }, "Save"), h("button", { type: "button", className: "secondary", on: { click: cancel } }, "Cancel")));
    return form;
  }

  async function patchDraft(entry, patch, status) {
    try {
      const draft = await api("PATCH", `/api/drafts/${entry.draftId}`, patch);
      updateDraft(draft);
      return true;
    } catch (e) {
      status.textContent = e.message;
      if (e.code === "stale_revision") {
        const fresh = await api("GET", `/api/drafts/${entry.draftId}`).catch(() => null);
        if (fresh) { entry.draft = fresh; }
      }
      return false;
    }
  }

  /** "Sending" cards: the live status of an approved draft. */
  const sendingCards = [];

  function sendingCard(card) {
    const entry = { draftId: card.draft_id, draft: card.draft, el: h("p", { className: "status", role: "status" }) };
    entry.render = () => {
      const d = entry.draft;
      if (!d) { entry.el.textContent = ""; return; }
      entry.el.className = `status ${d.status}`;
      entry.el.textContent = statusText(d, card.customer.name);
    };
    sendingCards.push(entry);
    entry.render();
    if (entry.draft && !FINAL.has(entry.draft.status)) watch(card.draft_id);
    return entry.el;
  }

  /** Polls a draft until it is sent, fails or two minutes pass. */
  async function watch(draftId) {
    if (watching.has(draftId)) return;
    watching.add(draftId);
    const until = Date.now() + 120000;
    let delay = 300;
    try {
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 1.5, 3000);
        const draft = await api("GET", `/api/drafts/${draftId}`).catch(() => null);
        if (!draft) continue;
        updateDraft(draft);
        if (FINAL.has(draft.status) || draft.status === "draft") break;
      }
    } finally {
      watching.delete(draftId);
    }
  }

  function choicesCard(card) {
    return h("div", { className: "options", role: "group", "aria-label": "Choose a customer" },
      card.options.map((o) => h("button", { type: "button", on: { click: () => say(o.message) } }, o.label)));
  }

  function opportunitiesCard(card) {
    return h("section", { className: "card", "aria-label": "Customers ready for expansion" },
      h("h2", {}, "Ready for expansion"),
      h("div", { className: "options" }, card.items.map((o) => h("button", { type: "button", on: { click: () => say(o.message) } },
        h("strong", {}, o.customer_name), ` · ${words(o.main_signal) || "signal"} · ${money.format(o.annual_value)} a year → ${o.target_plan}`))),
      h("p", { className: "hint" }, "Pick one to see its context and a draft introduction."));
  }

  const EVENT_WORDS = {
    drafted: "Draft written", edited: "Edited", approved: "Approved", sent: "Sent", failed: "Sending failed",
    discarded: "Discarded", opened: "Opened", clicked: "Link clicked", replied: "Replied", classified: "Reply read as",
    response_recorded: "Response recorded", response_corrected: "Response corrected", handed_off: "Handed to the AE",
    webhook_delivered: "CRM updated", ae_notified: "AE briefed", follow_up_drafted: "Follow-up drafted",
    bounced: "Bounced", csm_notified: "CSM told",
  };

  function timelineCard(card) {
    const events = card.events || [];
    return h("section", { className: "card", "aria-label": `Timeline for ${card.customer.name}` },
      h("h2", {}, `${card.customer.name}: what happened`),
      events.length ? h("ol", { className: "timeline" }, events.map((e) => {
        const detail = e.detail || {};
        const extra = [detail.label, detail.approach ? words(detail.approach) : null, detail.phrase ? `“${detail.phrase}”` : null].filter(Boolean).join(" · ");
        return h("li", {}, h("time", { datetime: e.at }, `${date(e.at)} ${time(e.at)}`), EVENT_WORDS[e.event] || words(e.event),
          e.human === false ? " (likely a machine, not a person)" : "", extra ? ` ${extra}` : "");
      })) : h("p", { className: "hint" }, "Nothing has happened yet."));
  }

  function helpCard(card) {
    return h("div", { className: "chips", role: "list", "aria-label": "Things you can ask" },
      card.examples.map((e) => h("span", { role: "listitem" }, chip(e))));
  }

  // ---------- replies waiting for a label ----------
  const LABELS = [["positive", "Positive"], ["neutral", "Neutral"], ["negative", "Negative"],
    ["out_of_office", "Out of office"], ["auto_reply", "Automatic reply"], ["bounce", "Bounce"]];

  /** One reply with its suggested label and one-click labels; `done` runs once it is labelled. */
  function reviewItem(reply, done) {
    const status = h("span", { className: "hint", role: "status" });
    const confidence = reply.confidence == null ? "" : ` (${Math.round(reply.confidence * 100)}% sure)`;
    const buttons = LABELS.map(([label, name]) => h("button", {
      type: "button",
      className: label === reply.suggested_label ? "" : "quiet",
      "aria-label": `Label the reply from ${reply.from_name || reply.from_email} as ${name}`,
      on: {
        click: async (event) => {
          const group = event.currentTarget.parentElement;
          group.querySelectorAll("button").forEach((b) => { b.disabled = true; });
          try {
            await api("POST", `/api/replies/${reply.id}/label`, { label });
            status.textContent = `Labelled ${name.toLowerCase()}.`;
            done();
          } catch (e) {
            status.textContent = e.message;
            group.querySelectorAll("button").forEach((b) => { b.disabled = false; });
          }
        },
      },
    }, name));
    return h("li", { className: "card review-item" },
      h("p", {}, h("strong", {}, reply.from_name || reply.from_email), ` · ${reply.subject}`),
      h("blockquote", {}, reply.reply_text),
      h("p", { className: "hint" }, `Suggested: ${words(reply.suggested_label)}${confidence}`),
      h("div", { className: "labels", role: "group", "aria-label": "Label this reply" }, buttons),
      status);
  }

  function showReviewCount(count) {
    const badge = $("review-count");
    badge.textContent = count ? String(count) : "";
    badge.hidden = !count;
    $("nav-replies").setAttribute("aria-label", count ? `Replies, ${count} waiting for your label` : "Replies");
  }

  async function refreshReviewCount() {
    try {
      const queue = await api("GET", "/api/replies/review?limit=1");
      showReviewCount(queue.count);
    } catch (e) {
      // The count is a convenience; the page says what went wrong.
    }
  }

  async function loadReplies() {
    const list = $("review-list");
    try {
      const queue = await api("GET", "/api/replies/review");
      showReviewCount(queue.count);
      list.replaceChildren(...queue.replies.map((r) => reviewItem(r, () => {
        refreshReviewCount().then(() => {
          const left = Number($("review-count").textContent || 0);
          $("review-status").textContent = left ? `${left} still waiting.` : "Nothing is waiting for you.";
        });
      })));
      $("review-status").textContent = queue.count ? `${queue.count} waiting for your label.` : "Nothing is waiting for you.";
    } catch (e) {
      $("review-status").textContent = e.message;
    }
  }

  function reviewCard(card) {
    const items = card.replies || [];
    return h("section", { className: "card", "aria-label": "Replies that need you" },
      h("h2", {}, "Replies that need you"),
      items.length ? h("ol", { className: "review" }, items.map((r) => reviewItem(r, refreshReviewCount)))
        : h("p", { className: "hint" }, "Nothing is waiting for you."));
  }

  // ---------- the pipeline ----------
  const COLUMNS = [
    { key: "customer_name", label: "Customer" },
    { key: "main_signal", label: "Signal" },
    { key: "annual_value", label: "Value", num: true },
    { key: "approach", label: "Approach" },
    { key: "intro_sent_at", label: "Intro sent" },
    { key: "intro_response", label: "Response" },
    { key: "status", label: "Status" },
  ];
  let rows = [];
  let sort = { key: "annual_value", dir: -1 };

  async function loadPipeline() {
    try {
      const data = await api("GET", "/api/opportunities");
      rows = data.opportunities;
    } catch (e) {
      $("pipeline-count").textContent = e.message;
      return;
    }
    drawCharts();
    drawTable();
  }

  function drawTable() {
    const head = document.querySelector("#pipeline-table thead tr");
    head.replaceChildren(...COLUMNS.map((c) => {
      const th = h("th", { scope: "col", className: c.num ? "num" : null, "aria-sort": sort.key === c.key ? (sort.dir > 0 ? "ascending" : "descending") : "none" },
        h("button", { type: "button", on: { click: () => { sort = { key: c.key, dir: sort.key === c.key ? -sort.dir : (c.num ? -1 : 1) }; drawTable(); } } }, c.label));
      return th;
    }));
    const q = $("filter").value.trim().toLowerCase();
    const status = $("status-filter").value;
    const shown = rows
      .filter((r) => !status || r.status === status)
      .filter((r) => !q || `${r.customer_name} ${words(r.main_signal)} ${words(r.approach)}`.toLowerCase().includes(q))
      .sort((a, b) => {
        const x = a[sort.key], y = b[sort.key];
        if (x === y) return a.customer_name.localeCompare(b.customer_name);
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * sort.dir;
      });
    const names = new Map();
    for (const r of rows) names.set(r.customer_name, (names.get(r.customer_name) || 0) + 1);
    const body = document.querySelector("#pipeline-table tbody");
    body.replaceChildren(...shown.map((r) => {
      const key = names.get(r.customer_name) > 1 ? r.customer_id : r.customer_name;
      return h("tr", {},
        h("td", {}, h("button", { type: "button", className: "link", on: { click: () => { location.hash = "#chat"; say(`Show expansion context for ${key}`); } } }, r.customer_name)),
        h("td", {}, words(r.main_signal)),
        h("td", { className: "num" }, money.format(r.annual_value)),
        h("td", {}, words(r.approach)),
        h("td", {}, date(r.intro_sent_at)),
        h("td", {}, r.intro_response || ""),
        h("td", {}, words(r.status)));
    }));
    $("pipeline-count").textContent = `${shown.length} of ${rows.length} opportunities`;
  }

  /** A horizontal bar chart: one or more series per category, with a data table for screen readers. */
  function barChart(figure, categories, series) {
    figure.querySelectorAll("svg, table, .legend, .hint").forEach((n) => n.remove());
    if (!categories.length) {
      figure.append(h("p", { className: "hint" }, "No data yet."));
      return;
    }
    const barH = 14, gap = 8, labelW = 130, width = 420;
    const groupH = series.length * barH + gap;
    const height = categories.length * groupH + 10;
    const max = Math.max(1, ...categories.flatMap((c) => series.map((s) => s.values[c] || 0)));
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${figure.querySelector("figcaption").textContent}: ${categories.map((c) => `${words(c)} ${series.map((s) => `${s.values[c] || 0} ${(s.values[c] || 0) === 1 ? s.one : s.name}`).join(", ")}`).join("; ")}` });
    categories.forEach((c, i) => {
      const y = i * groupH + 4;
      chart.append(svg("text", { x: 0, y: y + (series.length * barH) / 2 + 4 }, cap(words(c))));
      series.forEach((s, j) => {
        const v = s.values[c] || 0;
        const w = Math.max(v > 0 ? 2 : 0, ((width - labelW - 40) * v) / max);
        chart.append(svg("rect", { class: `bar ${s.cls}`, x: labelW, y: y + j * barH, width: w, height: barH - 2, rx: 2 }));
        chart.append(svg("text", { x: labelW + w + 4, y: y + j * barH + barH - 4 }, String(v)));
      });
    });
    chart.append(svg("line", { class: "axis", x1: labelW, y1: 0, x2: labelW, y2: height }));
    figure.append(chart);
    if (series.length > 1) {
      figure.append(h("div", { className: "legend", "aria-hidden": "true" }, series.map((s) => h("span", {}, h("span", { className: `key ${s.key}` }), s.name))));
    }
    figure.append(h("table", { className: "visually-hidden" },
      h("thead", {}, h("tr", {}, h("th", {}, "Category"), series.map((s) => h("th", {}, s.name)))),
      h("tbody", {}, categories.map((c) => h("tr", {}, h("th", {}, words(c)), series.map((s) => h("td", {}, String(s.values[c] || 0))))))));
  }

  function drawCharts() {
    const bySignal = {};
    for (const r of rows) { const k = r.main_signal || "none"; bySignal[k] = (bySignal[k] || 0) + 1; }
    const signals = Object.keys(bySignal).sort((a, b) => bySignal[b] - bySignal[a]);
    barChart($("chart-signal"), signals, [{ name: "opportunities", one: "opportunity", values: bySignal, cls: "", key: "resp" }]);
    const sent = {}, replied = {}, positive = {};
    for (const r of rows) {
      if (!r.intro_sent_at || !r.approach) continue;
      sent[r.approach] = (sent[r.approach] || 0) + 1;
      if (r.intro_response) replied[r.approach] = (replied[r.approach] || 0) + 1;
      if (r.intro_response === "positive") positive[r.approach] = (positive[r.approach] || 0) + 1;
    }
    const approaches = ["educational", "problem_solving", "value_add", "proactive"].filter((a) => sent[a]);
    barChart($("chart-approach"), approaches, [
      { name: "sent", one: "sent", values: sent, cls: "alt", key: "sent" },
      { name: "responses", one: "response", values: replied, cls: "", key: "resp" },
      { name: "positive", one: "positive", values: positive, cls: "pos", key: "pos" },
    ]);
    if (!approaches.length) $("chart-approach").append(h("p", { className: "hint" }, "Send an introduction and its approach shows here."));
  }

  $("filter").addEventListener("input", drawTable);
  $("status-filter").addEventListener("change", drawTable);

  // ---------- insights ----------
  /**
   * One insights endpoint: its answer, with its summary listed in `summaryId`; on failure the message goes
   * to `errorId` and the section is left as it was.
   */
  async function insight(url, summaryId, errorId) {
    let data;
    try {
      data = await api("GET", url);
    } catch (e) {
      if (errorId === summaryId) $(errorId).replaceChildren(h("li", {}, e.message));
      else $(errorId).textContent = e.message;
      return null;
    }
    $(summaryId).replaceChildren(...data.summary.map((line) => h("li", {}, line)));
    return data;
  }

  /** The three sections load side by side. */
  function loadInsights() {
    loadApproaches();
    loadTiming();
    loadStyles();
  }

  async function loadApproaches() {
    const data = await insight("/api/insights/approaches", "insights-summary", "insights-basis");
    if (!data) return;
    $("insights-basis").textContent = `Based on ${number.format(data.outcomes)} introduction${data.outcomes === 1 ? "" : "s"} with an outcome (a reply, a meeting, a decision, or ${data.maturity_days} days of silence). Opens are not counted.`;
    rateChart($("chart-rates"), data.approaches);
    const body = document.querySelector("#insights-table tbody");
    const rows = [];
    for (const group of data.by_signal) {
      for (const a of group.approaches) {
        rows.push(h("tr", {},
          h("td", {}, cap(words(group.signal)) || "none"),
          h("td", {}, a.label),
          h("td", { className: "num" }, number.format(a.sent)),
          h("td", { className: "num" }, number.format(a.positive)),
          h("td", { className: "num" }, pct(a.positive_rate.mean)),
          h("td", {}, `${pct(a.positive_rate.low)} to ${pct(a.positive_rate.high)}`)));
      }
    }
    body.replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 6 }, "No introductions with an outcome yet."))]));
  }

  /** A bucket or a style as `rateChart` draws it. */
  const asBar = (label, b) => ({ label, sent: b.sent, positive: b.positive, positive_rate: b.positive_rate });

  async function loadTiming() {
    const t = await insight("/api/insights/timing", "timing-summary", "timing-basis");
    if (!t) return;
    $("timing-basis").textContent = `${number.format(t.timed)} of ${number.format(t.outcomes)} introductions with an outcome went to a recipient whose time zone is known; the times are theirs. A suggestion needs ${t.min_timed}.`;
    rateChart($("chart-weekday"), t.by_weekday.map((b) => asBar(b.key, b)));
    rateChart($("chart-hours"), t.by_hour.map((b) => asBar(b.key, b)));
  }

  async function loadStyles() {
    const st = await insight("/api/insights/styles", "styles-summary", "styles-summary");
    if (!st) return;
    rateChart($("chart-styles"), st.styles.map((s) => asBar(cap(s.style), s)));
    if (!st.styles.length) $("chart-styles").append(h("p", { className: "hint" }, "No introductions with an outcome yet."));
  }

  /** Estimated rates as bars with their likely range as a whisker. */
  function rateChart(figure, approaches) {
    figure.querySelectorAll("svg, table, .hint").forEach((n) => n.remove());
    const barH = 18, gap = 10, labelW = 130, width = 420, plot = width - labelW - 50;
    const height = approaches.length * (barH + gap) + 16;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": `${figure.querySelector("figcaption").textContent}: ${approaches.map((a) => a.sent ? `${a.label} ${pct(a.positive_rate.mean)} (likely ${pct(a.positive_rate.low)} to ${pct(a.positive_rate.high)}, ${a.positive} of ${a.sent})` : `${a.label}: no introductions yet`).join("; ")}` });
    approaches.forEach((a, i) => {
      const y = i * (barH + gap) + 4;
      const x = (v) => labelW + plot * v;
      chart.append(svg("text", { x: 0, y: y + barH / 2 + 4 }, a.label));
      if (!a.sent) {
        chart.append(svg("text", { x: labelW + 6, y: y + barH / 2 + 4 }, "no introductions yet"));
        return;
      }
      chart.append(svg("rect", { class: "bar", x: labelW, y, width: Math.max(2, plot * a.positive_rate.mean), height: barH, rx: 2 }));
      chart.append(svg("line", { class: "whisker", x1: x(a.positive_rate.low), x2: x(a.positive_rate.high), y1: y + barH / 2, y2: y + barH / 2 }));
      chart.append(svg("text", { x: x(a.positive_rate.high) + 4, y: y + barH / 2 + 4 }, `${pct(a.positive_rate.mean)} · ${a.positive}/${a.sent}`));
    });
    chart.append(svg("line", { class: "axis", x1: labelW, y1: 0, x2: labelW, y2: height }));
    figure.append(chart);
  }

  // ---------- views, session ----------
  const VIEWS = { chat: "chat-view", pipeline: "pipeline-view", insights: "insights-view", replies: "replies-view" };
  function route() {
    const view = VIEWS[location.hash.slice(1)] ? location.hash.slice(1) : "chat";
    for (const [name, id] of Object.entries(VIEWS)) {
      $(id).hidden = name !== view;
      const link = $(`nav-${name}`);
      if (name === view) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (view === "pipeline") loadPipeline();
    else if (view === "insights") loadInsights();
    else if (view === "replies") loadReplies();
    else input.focus();
  }
  window.addEventListener("hashchange", route);

  $("sign-out").addEventListener("click", async () => {
    await api("DELETE", "/api/session").catch(() => null);
    location.assign("/signin");
  });
  $("new-chat").addEventListener("click", async () => {
    try {
      await api("DELETE", "/api/chat");
    } catch (e) {
      return;
    }
    log.replaceChildren();
    draftCards.length = 0;
    sendingCards.length = 0;
    welcome(me && me.name);
    input.focus();
  });

  let me = null;
  let ready = null;
  async function start() {
    try {
      me = await api("GET", "/api/session");
    } catch (e) {
      return;
    }
    csrf = me.csrf_token;
    $("who").textContent = `${me.name} · ${me.role}`;
    try {
      const history = await api("GET", "/api/chat");
      history.messages.forEach(renderMessage);
      if (!history.messages.length) welcome(me.name);
    } catch (e) {
      welcome(me.name);
    }
    route();
    refreshReviewCount();
    scrollToEnd();
    document.body.dataset.ready = "true";
  }
  ready = start();
})();
