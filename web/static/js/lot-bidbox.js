// The registered bidder's part of the lot page: the next valid amounts, a bid checked and
// confirmed before it is sent, its one result, the proxy, and the bidder's standing. Bidding is
// open only while the lot is live and the page's session lasts; each new state replaces the
// last message.
import { parseYuan, yuan } from "./money.js";
import { inWords } from "./words.js";
import { $, MESSAGES, announce, increment, lotId, startingPrice, t, view } from "./lot-view.js";

const bidbox = $("bidbox");
export const hasBidbox = Boolean(bidbox);
const myCode = bidbox ? bidbox.dataset.bidderCode : null;
let pending = null; // the bid being confirmed or sent: {amount, client_bid_id}
let sent = false; // the pending bid went out and its result has not come back
let closed = false; // the close or a sign-out ended bidding on this page for good
let send = () => false; // set by initBidbox: sends a message if the socket is open
// Outbid is only news to a bidder who has bid.
let haveBid = [...document.querySelectorAll("#history tbody tr")].some((tr) => tr.children[1].textContent === myCode);

// A message in one of the bid box's slots, replacing the last; errors are alerts.
function say(slot, text, kind = "info", code = "") {
  const node = $(slot);
  node.dataset.code = code;
  node.dataset.kind = text ? kind : "";
  if (!text) {
    node.replaceChildren();
    return;
  }
  const line = document.createElement("p");
  line.className = kind;
  if (kind === "error") line.setAttribute("role", "alert");
  if (typeof text === "string") line.textContent = text;
  else line.replaceChildren(...text);
  node.replaceChildren(line);
}

function minimumBid() {
  return view.price ? view.price + increment : startingPrice;
}

// A valid bid is the minimum or the minimum plus whole increments (docs/rules.md).
function bidProblem(fen) {
  if (fen === null) return t("enter_amount");
  if (fen < minimumBid()) return t("at_least", { amount: yuan(minimumBid()) });
  if ((fen - minimumBid()) % increment !== 0) return t("whole_increments", { amount: yuan(increment) });
  return null;
}

function showWords() {
  const fen = parseYuan($("amount").value);
  $("amount-words").textContent = fen === null ? "" : inWords(fen);
}

// The lot's status opens or closes the controls: only a live lot takes bids.
export function setOpen(status) {
  if (!bidbox || closed) return;
  const open = status === "live";
  $("bid-controls").disabled = !open;
  if (!open) {
    $("confirm").hidden = true;
    if (!sent) pending = null;
  }
}

export function refreshBidbox(leaderCode) {
  if (!bidbox || closed) return;
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
  if (leaderCode === undefined) return;
  const state = leaderCode === myCode ? "leading" : leaderCode && haveBid ? "outbid" : "";
  const standing = $("standing");
  const was = standing.dataset.state;
  standing.dataset.state = state;
  standing.textContent = state ? t(state) : leaderCode ? t("other_leads") : t("no_bid_yet");
  if (state === "outbid" && was !== "outbid") {
    say("bid-result", ""); // "bid accepted" is history now: the standing says what is true
    announce(t("outbid"));
  }
}

export function noteBid(event) {
  if (event.bidder_code === myCode) haveBid = true;
  refreshBidbox(event.bidder_code);
}

function askConfirmation(event) {
  event.preventDefault();
  const fen = parseYuan($("amount").value);
  const problem = bidProblem(fen);
  if (problem) {
    say("bid-result", problem, "error");
    return;
  }
  say("bid-result", "");
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
  say("bid-result", t("sending"));
  send({ type: "bid", lot_id: lotId, ...pending }); // if the socket is down, it goes on reconnect
}

// A bid whose result was lost with the old connection is sent again with the same
// client_bid_id: the engine answers with the first result and places nothing twice.
export function resendPending() {
  if (pending && sent) send({ type: "bid", lot_id: lotId, ...pending });
}

export function showBidResult(event) {
  if (!pending || event.client_bid_id !== pending.client_bid_id) return;
  pending = null;
  sent = false;
  if (event.accepted) say("bid-result", t("accepted", { amount: yuan(event.price) }), "ok");
  else say("bid-result", t("rejected", { reason: MESSAGES.refusals[event.code] || MESSAGES.refused }), "error", event.code);
  $("amount").value = "";
  showWords();
}

function setProxy(event) {
  event.preventDefault();
  const fen = parseYuan($("proxy-max").value);
  const floor = $("leader").textContent === myCode ? view.price : minimumBid();
  if (fen === null || fen < floor) {
    say("proxy-result", t("proxy_at_least", { amount: yuan(floor) }), "error");
    return;
  }
  if (!send({ type: "proxy", lot_id: lotId, max_amount: fen })) {
    say("proxy-result", t("not_connected"), "error");
    return;
  }
  say("proxy-result", t("sending"));
}

export function showProxyResult(event) {
  if (event.accepted) {
    say("proxy-result", t("proxy_set", { amount: yuan(event.max_amount) }), "ok");
    $("proxy-max").value = "";
  } else {
    say("proxy-result", t("rejected", { reason: MESSAGES.refusals[event.code] || MESSAGES.refused }), "error", event.code);
  }
}

function endBidding() {
  closed = true;
  pending = null;
  $("bid-controls").disabled = true;
  for (const form of bidbox.querySelectorAll("form")) form.hidden = true;
  $("next-amounts").replaceChildren();
  $("confirm").hidden = true;
  say("proxy-result", "");
}

// Signed out in another tab (or the account was closed): this page bids no more.
export function onSessionEnded() {
  if (!bidbox || closed) return;
  endBidding();
  const link = document.createElement("a");
  link.href = `/login?next=/lots/${lotId}`;
  link.textContent = t("sign_in_again");
  say("bid-result", [document.createTextNode(`${t("session_ended")} `), link], "error", "session_ended");
}

export function showCloseToBidder(event) {
  if (!bidbox || closed) return;
  endBidding();
  const won = event.winner_code === myCode;
  $("standing").dataset.state = won ? "won" : "ended";
  $("standing").textContent = won ? t("won") : t("ended");
  if (!won) {
    say("bid-result", "");
    return;
  }
  const link = document.createElement("a");
  link.href = `/lots/${lotId}/confirmation`;
  link.textContent = t("confirmation");
  say("bid-result", [link], "ok");
  announce(t("won"));
}

export function initBidbox(sender) {
  send = sender;
  if (!bidbox) return;
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
