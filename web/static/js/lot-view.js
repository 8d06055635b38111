// What the lot page shows of the lot, for everyone: status and its banner, price and leader,
// the countdown on the engine clock (standing still while suspended), the end, the history and
// its chart, and the few changes worth announcing to a screen reader.
import { yuan } from "./money.js";

export const $ = (id) => document.getElementById(id);
// The page's words come from the gettext catalogs, rendered into a JSON data block (no inline script).
export const MESSAGES = JSON.parse($("messages").textContent);
export const t = (key, values = {}) => MESSAGES[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

const lot = document.querySelector("article.lot");
export const lotId = Number(lot.dataset.lotId);
export const increment = Number(lot.dataset.increment);
export const startingPrice = Number(lot.dataset.startingPrice);

const countdown = $("countdown");
export const view = {
  price: 0, // current price in fen, 0 before the first bid
  endMs: Number(countdown.dataset.endMs),
  clockOffset: 0, // engine time minus browser time, from the snapshot's now_ms
  // A suspended lot's time left: the countdown shows it, standing still, until the lot resumes.
  frozenLeft: countdown.dataset.remainingMs ? Number(countdown.dataset.remainingMs) : null,
  stopped: countdown.dataset.stopped === "true", // closed or withdrawn: no clock any more
  lastSeq: Math.max(0, ...[...document.querySelectorAll("#history tbody tr")].map((tr) => Number(tr.dataset.seq))),
};

// The end, to the second, in China Standard Time: the same text the server writes.
export const cstTime = (ms) =>
  new Date(ms).toLocaleString("sv-SE", { timeZone: "Asia/Shanghai", hour12: false }).slice(0, 19);

// One polite announcement at a time, at most every 2 s (the latest wins): a busy lot's every
// bid is not news, and the ticking clock is never announced.
let announcedAt = 0;
let announceTimer = null;
let toAnnounce = "";
export function announce(text) {
  toAnnounce = text;
  if (announceTimer) return;
  announceTimer = setTimeout(() => {
    $("announcer").textContent = toAnnounce;
    announcedAt = Date.now();
    announceTimer = null;
  }, Math.max(0, announcedAt + 2000 - Date.now()));
}

// Outcomes the court's record holds (and the engine, which forgets a lot after its close, does
// not): a snapshot's "ended" must not overwrite "sold" or "paid in full" on a page loaded later.
const OUTCOMES = new Set([
  "sold", "failed", "settled", "defaulted", "cancelled", "ruled", "delivered", "annulled", "taken_by_creditor",
]);

function showBanner(text) {
  const banner = $("state-banner");
  banner.textContent = text;
  banner.hidden = !text;
}

function bannerFor(status, reason) {
  const because = reason ? ` ${t("reason", { reason })}` : "";
  if (status === "suspended") return `${t("suspended")}${because} ${t("time_kept")}`;
  if (status === "cancelled") return `${t("withdrawn")}${because}`;
  return "";
}

// The court's reason is in the record, not in the engine's event; the engine acts first, so
// the record may follow a moment later: ask again a few times until it shows the same state.
async function fetchReason(status, attempt = 0) {
  if ($("status").dataset.status !== status) return;
  try {
    const response = await fetch(`/api/v1/lots/${lotId}`, { credentials: "same-origin" });
    const detail = await response.json();
    if (detail.status === status) {
      showBanner(bannerFor(status, detail.status_reason));
      return;
    }
  } catch {
    // offline for a moment: try again below
  }
  if (attempt < 5) setTimeout(() => fetchReason(status, attempt + 1), 500 * (attempt + 1));
}

// Returns whether the status changed. `event` may carry end_ms and (suspended) remaining_ms.
export function showStatus(status, event = {}) {
  const node = $("status");
  if (OUTCOMES.has(node.dataset.status) && !OUTCOMES.has(status)) return false;
  const changed = node.dataset.status !== status;
  node.dataset.status = status;
  node.textContent = MESSAGES.statuses[status] || status;
  $("state-banner").dataset.status = status;
  if (status === "suspended") {
    view.frozenLeft = event.remaining_ms ?? Math.max(0, view.endMs - (Date.now() + view.clockOffset));
    $("end-time").textContent = "—";
  } else {
    view.frozenLeft = null;
    if (event.end_ms) setEnd(event.end_ms);
  }
  if (OUTCOMES.has(status) || status === "ended") view.stopped = true;
  if (changed) {
    showBanner(bannerFor(status, ""));
    if (status === "suspended" || status === "cancelled") fetchReason(status);
    announce(status === "live" ? t("resumed") : MESSAGES.statuses[status] || status);
  }
  tick();
  return changed;
}

export function setEnd(ms) {
  view.endMs = ms;
  if (view.frozenLeft === null) $("end-time").textContent = cstTime(ms);
}

export function showNotice(text) {
  const notice = $("notice");
  notice.textContent = text;
  notice.hidden = false;
}

export function tick() {
  let left = view.frozenLeft;
  if (left === null) left = view.stopped ? 0 : Math.max(0, view.endMs - (Date.now() + view.clockOffset));
  const s = Math.floor(left / 1000);
  countdown.dataset.frozen = String(view.frozenLeft !== null);
  countdown.textContent = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

// The price line and a dot per bid, redrawn from the history table, the one record of what was bid.
export function drawPrices() {
  const amounts = [...document.querySelectorAll("#history tbody tr")].map((tr) => Number(tr.dataset.amount));
  if (!amounts.length) return;
  $("price-empty")?.remove();
  const low = Math.min(...amounts);
  const span = Math.max(...amounts) - low || 1;
  const step = (600 - 16) / Math.max(amounts.length - 1, 1);
  const points = amounts.map((a, i) => [8 + i * step, 192 - ((a - low) * 184) / span]);
  $("price-line").setAttribute("points", points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" "));
  const dots = $("price-dots");
  dots.replaceChildren(
    ...points.map(([x, y]) => {
      const dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("cx", x.toFixed(1));
      dot.setAttribute("cy", y.toFixed(1));
      dot.setAttribute("r", "4");
      return dot;
    }),
  );
}

export function showPrice(amount, leaderCode) {
  view.price = amount;
  $("price").textContent = yuan(amount);
  $("leader").textContent = leaderCode || "—";
}

// Returns false for a bid already shown (a replay overlapping the page).
export function addBidRow(event) {
  if (event.seq <= view.lastSeq) return false;
  const row = document.createElement("tr");
  row.dataset.seq = event.seq;
  row.dataset.amount = event.amount;
  for (const text of [event.seq, event.bidder_code, yuan(event.amount), MESSAGES.kinds[event.kind] || event.kind]) {
    const cell = document.createElement("td");
    cell.textContent = String(text);
    row.appendChild(cell);
  }
  $("history").querySelector("tbody").appendChild(row);
  view.lastSeq = event.seq;
  showPrice(event.amount, event.bidder_code);
  $("bid-count").textContent = String(event.seq);
  drawPrices();
  if (event.end_ms > view.endMs) showNotice(t("extended", { time: cstTime(event.end_ms) }));
  setEnd(event.end_ms);
  announce(t("price_now", { amount: yuan(event.amount), code: event.bidder_code }));
  return true;
}

// The close: the outcome replaces the live words (a final price and a buyer, not a leader).
export function showClose(event) {
  showStatus(event.outcome);
  const sold = event.outcome === "sold";
  if (sold) {
    $("price-label").textContent = t("final_price");
    $("leader-label").textContent = t("buyer");
    showPrice(event.price, event.winner_code);
  }
  const text = sold ? t("sold", { code: event.winner_code, amount: yuan(event.price) }) : t("failed");
  showNotice(text);
  announce(text);
}

export function setConnection(up) {
  const status = $("connection");
  status.textContent = up ? t("connected") : t("reconnecting");
  status.dataset.state = up ? "up" : "down";
}

drawPrices();
setInterval(tick, 250);
tick();
