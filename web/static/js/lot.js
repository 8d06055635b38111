// The lot page's connection to the gateway: subscribe, resume with since_seq after a dropped
// connection so the history stays complete, and hand each event to what shows it
// (lot-view.js for everyone, lot-bidbox.js for the registered bidder).
import {
  $,
  addBidRow,
  lotId,
  setConnection,
  setEnd,
  showClose,
  showPrice,
  showStatus,
  view,
} from "./lot-view.js";
import {
  hasBidbox,
  initBidbox,
  noteBid,
  onSessionEnded,
  refreshBidbox,
  resendPending,
  setOpen,
  showBidResult,
  showCloseToBidder,
  showProxyResult,
} from "./lot-bidbox.js";

const wsUrl = document.querySelector('meta[name="realtime-url"]').content;
let retry = 500;
let socket = null;

function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(message));
  return true;
}

// A snapshot answers our subscribe (its replay follows on its own), or comes unasked when the
// gateway skipped this page while it was slow: then bids may be missing, and a subscribe from
// the last bid shown fetches exactly those.
let awaitingSnapshot = false;
let resubscribeDelay = 1000;

function subscribe() {
  if (send({ type: "subscribe", lot_id: lotId, since_seq: view.lastSeq })) awaitingSnapshot = true;
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

function onSnapshot(event) {
  const asked = awaitingSnapshot;
  awaitingSnapshot = false;
  resubscribeDelay = 1000;
  setConnection(true);
  if (!asked && event.seq > view.lastSeq) {
    subscribe(); // fill the gap: the replay brings every bid after the last one shown
    return;
  }
  view.clockOffset = event.now_ms - Date.now();
  setEnd(event.end_ms);
  showStatus(event.status, event);
  setOpen(event.status);
  $("watchers").textContent = String(event.watchers);
  if (event.price) showPrice(event.price, event.leader_code);
  refreshBidbox(event.leader_code || null);
}

const HANDLERS = {
  snapshot: onSnapshot,
  bid: (event) => {
    if (event.seq > view.lastSeq + 1) {
      // Bids are missing before this one (the gateway skipped this page, or its subscription
      // was made again): the replay from the last bid shown brings them, and this one, in order.
      if (!awaitingSnapshot) subscribe();
      return;
    }
    if (addBidRow(event)) noteBid(event);
  },
  bid_result: showBidResult,
  proxy_result: showProxyResult,
  status: (event) => {
    showStatus(event.status, event);
    setOpen(event.status);
  },
  closed: (event) => {
    showClose(event);
    showCloseToBidder(event);
  },
  error: onError,
  session_ended: onSessionEnded,
};

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
    resendPending();
  });
  ws.addEventListener("message", (message) => {
    if (ws !== socket) return;
    lastHeard = Date.now();
    const event = JSON.parse(message.data);
    HANDLERS[event.type]?.(event);
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

// The socket keeps the sign-in it opened with; cookies cleared in another tab or the browser's
// settings do not reach it. When the page is looked at again, ask whether it is still signed in.
async function checkSession() {
  if (document.visibilityState !== "visible") return;
  try {
    const response = await fetch("/api/v1/me", { credentials: "same-origin" });
    if (response.status === 401) onSessionEnded();
  } catch {
    // offline: the socket's own reconnect and the gateway's checks cover it
  }
}

initBidbox(send);
if (hasBidbox) {
  document.addEventListener("visibilitychange", checkSession);
  window.addEventListener("focus", checkSession);
}
connect();
