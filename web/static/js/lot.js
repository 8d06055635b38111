// The lot page's live part: the gateway's events, a countdown on the engine clock, and a
// resume with since_seq after a dropped connection so the history stays complete.
import { parseYuan, yuan } from "./money.js";
import { inWords } from "./words.js";

const lot = document.querySelector("article.lot");
const lotId = Number(lot.dataset.lotId);
const wsUrl = document.querySelector('meta[name="realtime-url"]').content;
const $ = (id) => document.getElementById(id);
// The page's words come from the gettext catalogs, rendered into a JSON data block (no inline script).
const MESSAGES = JSON.parse($("messages").textContent);
const t = (key, values = {}) => MESSAGES[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
const cstTime = (ms) =>
  new Date(ms).toLocaleString("sv-SE", { timeZone: "Asia/Shanghai", hour12: false }).slice(0, 16);

let lastSeq = Math.max(0, ...[...document.querySelectorAll("#history tbody tr")].map((tr) => Number(tr.dataset.seq)));
let endMs = Number($("countdown").dataset.endMs);
let clockOffset = 0; // engine time minus browser time, from the snapshot's now_ms
let retry = 500;
let socket = null;
let price = 0; // current price in fen, 0 before the first bid
let pending = null; // the bid being confirmed or sent: {amount, client_bid_id}
let sent = false; // the pending bid went out and its result has not come back
const increment = Number(lot.dataset.increment);
const startingPrice = Number(lot.dataset.startingPrice);
const bidbox = $("bidbox");
const myCode = bidbox ? bidbox.dataset.bidderCode : null;
// Outbid is only news to a bidder who has bid.
let haveBid = [...document.querySelectorAll("#history tbody tr")].some((tr) => tr.children[1].textContent === myCode);

function minimumBid() {
  return price ? price + increment : startingPrice;
}

// A valid bid is the minimum or the minimum plus whole increments (docs/rules.md).
function bidProblem(fen) {
  if (fen === null) return t("enter_amount");
  if (fen < minimumBid()) return t("at_least", { amount: yuan(minimumBid()) });
  if ((fen - minimumBid()) % increment !== 0) return t("whole_increments", { amount: yuan(increment) });
  return null;
}

function refreshBidbox(leaderCode) {
  if (!bidbox) return;
  const amounts = $("next-amounts");
  amounts.replaceChildren();
  for (let k = 0; k < 3; k++) {
    const fen = minimumBid() + k * increment;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "amount";
    button.textContent = yuan(fen);
    button.addEventListener("click", () => {
      $("amount").value = (fen / 100).toFixed(2);
      showWords();
    });
    amounts.appendChild(button);
  }
  if (leaderCode !== undefined) {
    let standing = t("no_bid_yet");
    if (leaderCode === myCode) standing = t("leading");
    else if (leaderCode && haveBid) standing = t("outbid");
    else if (leaderCode) standing = t("other_leads");
    $("standing").textContent = standing;
    $("standing").dataset.state = leaderCode === myCode ? "leading" : leaderCode && haveBid ? "outbid" : "";
  }
}

function showWords() {
  const fen = parseYuan($("amount").value);
  $("amount-words").textContent = fen === null ? "" : inWords(fen);
}

function askConfirmation(event) {
  event.preventDefault();
  const fen = parseYuan($("amount").value);
  const problem = bidProblem(fen);
  if (problem) {
    $("bid-result").textContent = problem;
    return;
  }
  pending = { amount: fen, client_bid_id: crypto.randomUUID() };
  $("confirm-text").textContent = t("confirm", { amount: yuan(fen), words: inWords(fen) });
  $("confirm").hidden = false;
  $("confirm-yes").focus(); // Enter confirms, Escape goes back: the keyboard follows the step
}

function cancelConfirmation() {
  pending = null;
  $("confirm").hidden = true;
  $("amount").focus();
}

function sendBid() {
  if (!pending) return;
  $("confirm").hidden = true;
  $("amount").focus(); // the focused button just hid; the result is announced by #bid-result
  sent = true;
  $("bid-result").textContent = t("sending");
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "bid", lot_id: lotId, ...pending }));
  } // else it goes out on reconnect (see connect)
}

function showBidResult(event) {
  if (!pending || event.client_bid_id !== pending.client_bid_id) return;
  pending = null;
  sent = false;
  $("bid-result").textContent = event.accepted
    ? t("accepted", { amount: yuan(event.price) })
    : t("rejected", { code: event.code, message: event.message });
  $("amount").value = "";
  showWords();
}

function setProxy(event) {
  event.preventDefault();
  const fen = parseYuan($("proxy-max").value);
  const floor = $("leader").textContent === myCode ? price : minimumBid();
  if (fen === null || fen < floor) {
    $("proxy-result").textContent = t("proxy_at_least", { amount: yuan(floor) });
    return;
  }
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    $("proxy-result").textContent = t("not_connected");
    return;
  }
  socket.send(JSON.stringify({ type: "proxy", lot_id: lotId, max_amount: fen }));
  $("proxy-result").textContent = t("sending");
}

function showProxyResult(event) {
  $("proxy-result").textContent = event.accepted
    ? t("proxy_set", { amount: yuan(event.max_amount) })
    : t("proxy_refused", { code: event.code });
  if (event.accepted) $("proxy-max").value = "";
}

// Outcomes the court's record holds (and the engine, which forgets a lot after its close, does
// not): a snapshot's "ended" must not overwrite "sold" or "paid in full" on a page loaded later.
const OUTCOMES = new Set(["sold", "failed", "settled", "defaulted", "cancelled"]);

function showStatus(status) {
  if (OUTCOMES.has($("status").dataset.status) && !OUTCOMES.has(status)) return;
  $("status").dataset.status = status;
  $("status").textContent = MESSAGES.statuses[status] || status;
}

function setEnd(ms) {
  endMs = ms;
  $("end-time").textContent = cstTime(ms);
}

// The price line is redrawn from the history table, the one record of what was bid.
function drawPrices() {
  const amounts = [...document.querySelectorAll("#history tbody tr")].map((tr) => Number(tr.dataset.amount));
  if (!amounts.length) return;
  $("price-empty")?.remove();
  const low = Math.min(...amounts);
  const span = Math.max(...amounts) - low || 1;
  const step = (600 - 16) / Math.max(amounts.length - 1, 1);
  const points = amounts.map((a, i) => `${(8 + i * step).toFixed(1)},${(192 - ((a - low) * 184) / span).toFixed(1)}`);
  $("price-line").setAttribute("points", points.join(" "));
}

function showNotice(text) {
  const notice = $("notice");
  notice.textContent = text;
  notice.hidden = false;
}

function tick() {
  const left = Math.max(0, endMs - (Date.now() + clockOffset));
  const s = Math.floor(left / 1000);
  $("countdown").textContent = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function addBid(event) {
  if (event.seq <= lastSeq) return; // already shown
  const row = document.createElement("tr");
  row.dataset.seq = event.seq;
  row.dataset.amount = event.amount;
  for (const text of [event.seq, event.bidder_code, yuan(event.amount), MESSAGES.kinds[event.kind] || event.kind]) {
    const cell = document.createElement("td");
    cell.textContent = String(text);
    row.appendChild(cell);
  }
  $("history").querySelector("tbody").appendChild(row);
  lastSeq = event.seq;
  if (event.bidder_code === myCode) haveBid = true;
  $("price").textContent = yuan(event.amount);
  $("leader").textContent = event.bidder_code;
  price = event.amount;
  refreshBidbox(event.bidder_code);
  $("bid-count").textContent = String(event.seq);
  drawPrices();
  if (event.end_ms > endMs) showNotice(t("extended", { time: cstTime(event.end_ms) }));
  setEnd(event.end_ms);
}

function setConnection(up) {
  const status = $("connection");
  status.textContent = up ? t("connected") : t("reconnecting");
  status.dataset.state = up ? "up" : "down";
}

// A snapshot answers our subscribe (its replay follows on its own), or comes unasked when the
// gateway skipped this page while it was slow: then bids may be missing, and a subscribe from
// the last bid shown fetches exactly those.
let awaitingSnapshot = false;
let resubscribeDelay = 1000;

function subscribe() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  awaitingSnapshot = true;
  socket.send(JSON.stringify({ type: "subscribe", lot_id: lotId, since_seq: lastSeq }));
}

function onError(event) {
  // The gateway could not reach the engine to subscribe (a crowd, a Redis restart): try again,
  // more slowly each time, rather than wait without events.
  if (event.code === "unavailable" && awaitingSnapshot) {
    awaitingSnapshot = false;
    setConnection(false);
    setTimeout(subscribe, resubscribeDelay);
    resubscribeDelay = Math.min(resubscribeDelay * 2, 10000);
  }
}

function onSessionEnded(event) {
  // Signed out in another tab (or the account was closed): this page bids no more.
  if (!bidbox) return;
  for (const form of bidbox.querySelectorAll("form")) form.hidden = true;
  $("next-amounts").replaceChildren();
  $("confirm").hidden = true;
  pending = null;
  const link = document.createElement("a");
  link.href = `/login?next=/lots/${lotId}`;
  link.textContent = t("sign_in_again");
  const note = $("bid-result");
  note.setAttribute("role", "alert");
  note.replaceChildren(document.createTextNode(t("session_ended") + " "), link);
}

function onMessage(event) {
  if (event.type === "snapshot") {
    const asked = awaitingSnapshot;
    awaitingSnapshot = false;
    resubscribeDelay = 1000;
    setConnection(true);
    if (!asked && event.seq > lastSeq) {
      subscribe(); // fill the gap: the replay brings every bid after the last one shown
      return;
    }
    clockOffset = event.now_ms - Date.now();
    setEnd(event.end_ms);
    showStatus(event.status);
    $("watchers").textContent = String(event.watchers);
    if (event.price) {
      price = event.price;
      $("price").textContent = yuan(event.price);
      $("leader").textContent = event.leader_code || "—";
    }
    refreshBidbox(event.leader_code || null);
  } else if (event.type === "bid") {
    addBid(event);
  } else if (event.type === "bid_result") {
    showBidResult(event);
  } else if (event.type === "proxy_result") {
    showProxyResult(event);
  } else if (event.type === "status") {
    showStatus(event.status);
  } else if (event.type === "closed") {
    showClose(event);
  } else if (event.type === "error") {
    onError(event);
  } else if (event.type === "session_ended") {
    onSessionEnded(event);
  }
}

function showClose(event) {
  showStatus(event.outcome);
  showNotice(event.outcome === "sold" ? t("sold", { code: event.winner_code, amount: yuan(event.price) }) : t("failed"));
  if (!bidbox) return;
  for (const form of bidbox.querySelectorAll("form")) form.hidden = true;
  $("next-amounts").replaceChildren();
  $("standing").textContent = event.winner_code === myCode ? t("won") : t("ended");
  if (event.winner_code === myCode) {
    const link = document.createElement("a");
    link.href = `/lots/${lotId}/confirmation`;
    link.textContent = t("confirmation");
    $("bid-result").replaceChildren(link);
  }
}

// A network that drops without closing the socket (a cable, a tunnel, a sleeping laptop)
// sends no close: a connection silent for DEAD_MS despite a ping is given up and replaced.
const PING_MS = 2000;
const DEAD_MS = 5000;
let lastHeard = 0;

function dropped(ws) {
  if (ws !== socket) return; // an abandoned socket's late events change nothing
  socket = null;
  setConnection(false);
  setTimeout(connect, retry); // resume with since_seq: nothing is missed
  retry = Math.min(retry * 2, 10000);
}

function connect() {
  const ws = new WebSocket(wsUrl);
  socket = ws;
  ws.addEventListener("open", () => {
    if (ws !== socket) return;
    retry = 500;
    lastHeard = Date.now();
    setConnection(true);
    subscribe();
    // A bid whose result was lost with the old connection is sent again with the same
    // client_bid_id: the engine answers with the first result and places nothing twice.
    if (pending && sent) ws.send(JSON.stringify({ type: "bid", lot_id: lotId, ...pending }));
  });
  ws.addEventListener("message", (message) => {
    if (ws !== socket) return;
    lastHeard = Date.now();
    onMessage(JSON.parse(message.data));
  });
  ws.addEventListener("close", () => dropped(ws));
}

setInterval(() => {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  const silent = Date.now() - lastHeard;
  if (silent > DEAD_MS) {
    const dead = socket;
    dropped(dead);
    dead.close();
  } else if (silent > PING_MS) {
    socket.send(JSON.stringify({ type: "ping" }));
  }
}, 1000);

if (bidbox) {
  $("bid-form").addEventListener("submit", askConfirmation);
  $("amount").addEventListener("input", showWords);
  $("confirm-yes").addEventListener("click", sendBid);
  $("proxy-form").addEventListener("submit", setProxy);
  $("confirm-no").addEventListener("click", cancelConfirmation);
  $("confirm").addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancelConfirmation();
  });
  refreshBidbox();
}
setInterval(tick, 250);
tick();
connect();
