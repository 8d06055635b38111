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

// 大写: the capital numerals a bidder reads back before confirming, as on a cheque, so a
// slipped zero is caught before the money is committed.
const DIGITS = "零壹贰叁肆伍陆柒捌玖";
function capitalYuan(fen) {
  const units = ["", "拾", "佰", "仟"];
  const groups = ["", "万", "亿", "万亿"];
  let yuanPart = Math.floor(fen / 100);
  let words = "";
  if (yuanPart === 0) words = "零";
  let group = 0;
  let needZero = false;
  while (yuanPart > 0) {
    const chunk = yuanPart % 10000;
    yuanPart = Math.floor(yuanPart / 10000);
    if (chunk > 0) {
      let part = "";
      let zero = false;
      for (let i = 0, c = chunk; i < 4; i++, c = Math.floor(c / 10)) {
        const d = c % 10;
        if (d === 0) {
          if (part) zero = true;
        } else {
          part = DIGITS[d] + units[i] + (zero ? "零" : "") + part;
          zero = false;
        }
      }
      words = part + groups[group] + (needZero ? "零" : "") + words;
      needZero = chunk < 1000 && yuanPart > 0;
    } else if (words) {
      needZero = true;
    }
    group++;
  }
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let tail = "元";
  if (jiao === 0 && cents === 0) return words + tail + "整";
  if (jiao) tail += DIGITS[jiao] + "角";
  else tail += "零";
  if (cents) tail += DIGITS[cents] + "分";
  return words + tail;
}

function minimumBid() {
  return price ? price + increment : startingPrice;
}

function parseYuan(text) {
  const match = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(text.replace(/,/g, ""));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}

// A valid bid is the minimum or the minimum plus whole increments (RULES.md).
function bidProblem(fen) {
  if (fen === null) return "请输入金额 Enter an amount in yuan, e.g. 1234.50";
  if (fen < minimumBid()) return `出价不得低于 The bid must be at least ${yuan(minimumBid())}`;
  if ((fen - minimumBid()) % increment !== 0) return `须按加价幅度 ${yuan(increment)} 递增 Raise in whole increments`;
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
    let standing = "尚无出价 No bid yet";
    if (leaderCode === myCode) standing = "您领先 You are leading";
    else if (leaderCode && haveBid) standing = "您已被超越 You have been outbid";
    else if (leaderCode) standing = "其他竞买人领先 Another bidder leads";
    $("standing").textContent = standing;
    $("standing").dataset.state = leaderCode === myCode ? "leading" : leaderCode && haveBid ? "outbid" : "";
  }
}

function showWords() {
  const fen = parseYuan($("amount").value);
  $("amount-words").textContent = fen === null ? "" : capitalYuan(fen);
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
  $("confirm-text").textContent = `确认出价 Confirm ${yuan(fen)}（${capitalYuan(fen)}）`;
  $("confirm").hidden = false;
}

function sendBid() {
  if (!pending) return;
  $("confirm").hidden = true;
  sent = true;
  $("bid-result").textContent = "提交中 Sending…";
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "bid", lot_id: lotId, ...pending }));
  } // else it goes out on reconnect (see connect)
}

function showBidResult(event) {
  if (!pending || event.client_bid_id !== pending.client_bid_id) return;
  pending = null;
  sent = false;
  $("bid-result").textContent = event.accepted
    ? `出价成功 Bid accepted: ${yuan(event.price)}`
    : `出价未成功 Rejected (${event.code}): ${event.message}`;
  $("amount").value = "";
  showWords();
}

function setProxy(event) {
  event.preventDefault();
  const fen = parseYuan($("proxy-max").value);
  const floor = $("leader").textContent === myCode ? price : minimumBid();
  if (fen === null || fen < floor) {
    $("proxy-result").textContent = `委托最高价不得低于 The maximum must be at least ${yuan(floor)}`;
    return;
  }
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    $("proxy-result").textContent = "连接中断，请稍后重试 Not connected; try again in a moment.";
    return;
  }
  socket.send(JSON.stringify({ type: "proxy", lot_id: lotId, max_amount: fen }));
  $("proxy-result").textContent = "提交中 Sending…";
}

function showProxyResult(event) {
  $("proxy-result").textContent = event.accepted
    ? `委托已设置 Proxy set: up to ${yuan(event.max_amount)}`
    : `委托未成功 Refused (${event.code})`;
  if (event.accepted) $("proxy-max").value = "";
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
  for (const text of [event.seq, event.bidder_code, yuan(event.amount), event.kind]) {
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
  if (event.end_ms > endMs) showNotice("竞价时间已延长 The end has moved: a bid came in the last minutes.");
  endMs = event.end_ms;
}

function setConnection(up) {
  const status = $("connection");
  status.textContent = up ? "已连接 Connected" : "连接中断，正在重连 Connection lost, reconnecting…";
  status.dataset.state = up ? "up" : "down";
}

function connect() {
  socket = new WebSocket(wsUrl);
  socket.addEventListener("open", () => {
    retry = 500;
    setConnection(true);
    socket.send(JSON.stringify({ type: "subscribe", lot_id: lotId, since_seq: lastSeq }));
    // A bid whose result was lost with the old connection is sent again with the same
    // client_bid_id: the engine answers with the first result and places nothing twice.
    if (pending && sent) socket.send(JSON.stringify({ type: "bid", lot_id: lotId, ...pending }));
  });
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "snapshot") {
      clockOffset = event.now_ms - Date.now();
      endMs = event.end_ms;
      $("status").textContent = event.status;
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
      $("status").textContent = event.status;
    } else if (event.type === "closed") {
      $("status").textContent = event.outcome;
      showNotice(event.outcome === "sold" ? `成交 Sold to ${event.winner_code} at ${yuan(event.price)}` : "流拍 No bid");
      if (bidbox) {
        for (const form of bidbox.querySelectorAll("form")) form.hidden = true;
        $("next-amounts").replaceChildren();
        $("standing").textContent = event.winner_code === myCode ? "您已竞得 You won this lot" : "竞价已结束 Bidding has ended";
        if (event.winner_code === myCode) {
          const link = document.createElement("a");
          link.href = `/lots/${lotId}/confirmation`;
          link.textContent = "成交确认书 Confirmation to print";
          $("bid-result").replaceChildren(link);
        }
      }
    }
  });
  socket.addEventListener("close", () => {
    setConnection(false);
    setTimeout(connect, retry); // resume with since_seq: nothing is missed
    retry = Math.min(retry * 2, 10000);
  });
}

if (bidbox) {
  $("bid-form").addEventListener("submit", askConfirmation);
  $("amount").addEventListener("input", showWords);
  $("confirm-yes").addEventListener("click", sendBid);
  $("proxy-form").addEventListener("submit", setProxy);
  $("confirm-no").addEventListener("click", () => {
    pending = null;
    $("confirm").hidden = true;
  });
  refreshBidbox();
}
setInterval(tick, 250);
tick();
connect();
