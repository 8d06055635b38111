// The lot page's live part: the gateway's events, a countdown on the engine clock, and a
// resume with since_seq after a dropped connection so the history stays complete.
const lot = document.querySelector("article.lot");
const lotId = Number(lot.dataset.lotId);
const wsUrl = document.querySelector('meta[name="realtime-url"]').content;
const $ = (id) => document.getElementById(id);
const yuan = (fen) => "¥" + Math.floor(fen / 100).toLocaleString("en-US") + "." + String(fen % 100).padStart(2, "0");

let lastSeq = Math.max(0, ...[...document.querySelectorAll("#history tbody tr")].map((tr) => Number(tr.dataset.seq)));
let endMs = Number($("countdown").dataset.endMs);
let clockOffset = 0; // engine time minus browser time, from the snapshot's now_ms
let retry = 500;

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
  for (const text of [event.seq, event.bidder_code, yuan(event.amount), event.kind]) {
    const cell = document.createElement("td");
    cell.textContent = String(text);
    row.appendChild(cell);
  }
  $("history").querySelector("tbody").appendChild(row);
  lastSeq = event.seq;
  $("price").textContent = yuan(event.amount);
  $("leader").textContent = event.bidder_code;
  $("bid-count").textContent = String(event.seq);
  if (event.end_ms > endMs) showNotice("竞价时间已延长 The end has moved: a bid came in the last minutes.");
  endMs = event.end_ms;
}

function connect() {
  const socket = new WebSocket(wsUrl);
  socket.addEventListener("open", () => {
    retry = 500;
    socket.send(JSON.stringify({ type: "subscribe", lot_id: lotId, since_seq: lastSeq }));
  });
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "snapshot") {
      clockOffset = event.now_ms - Date.now();
      endMs = event.end_ms;
      $("status").textContent = event.status;
      if (event.price) {
        $("price").textContent = yuan(event.price);
        $("leader").textContent = event.leader_code || "—";
      }
    } else if (event.type === "bid") {
      addBid(event);
    } else if (event.type === "status") {
      $("status").textContent = event.status;
    } else if (event.type === "closed") {
      $("status").textContent = event.outcome;
      showNotice(event.outcome === "sold" ? `成交 Sold to ${event.winner_code} at ${yuan(event.price)}` : "流拍 No bid");
    }
  });
  socket.addEventListener("close", () => {
    setTimeout(connect, retry); // resume with since_seq: nothing is missed
    retry = Math.min(retry * 2, 10000);
  });
}

setInterval(tick, 250);
tick();
connect();
