-- Shared helpers, prepended to every script of the engine when it is loaded (the text comes
-- from files only, never from values). Every script receives the same KEYS:
--   KEYS[1] state hash, KEYS[2] regs hash, KEYS[3] proxies hash, KEYS[4] results hash,
--   KEYS[5] bids stream; all carry the lot's hash tag. ARGV[1] is always the events channel.
-- Amounts are integers in fen, times integers in ms since the Unix epoch (engine clock).

local MAX_AMOUNT = 1000000000000000      -- 10^15 fen: far below 2^53, so doubles stay exact
local ORDINARY_CLASS = 1000000000       -- ranks after every priority holder (rank 1 = best)

local K_STATE, K_REGS, K_PROXIES, K_RESULTS, K_BIDS = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local CHANNEL = ARGV[1]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(x)
  return string.format('%d', x)
end

-- A positive whole number within range, or nil.
local function amount_arg(raw)
  local n = tonumber(raw)
  if n == nil or n ~= math.floor(n) or n <= 0 or n > MAX_AMOUNT then
    return nil
  end
  return n
end

local function load_state()
  local flat = redis.call('HGETALL', K_STATE)
  if #flat == 0 then
    return nil
  end
  local st = {}
  for i = 1, #flat, 2 do
    st[flat[i]] = flat[i + 1]
  end
  for _, f in ipairs({'lot_id', 'start_price', 'increment', 'ext_ms', 'end_ms', 'price', 'seq',
                      'leader_class', 'remaining_ms', 'proxy_order', 'closed_ms', 'window_ms'}) do
    st[f] = tonumber(st[f] or '0')
  end
  return st
end

-- Why the lot takes no bid from this registration now, or nil when it does:
-- 'not_live' (unknown, suspended, cancelled), 'ended' (closed, or its end has passed),
-- 'not_registered' (no eligible registration).
local function refusal(st, now, reg)
  if st == nil or st.status == 'cancelled' or st.status == 'suspended' then
    return 'not_live'
  end
  if st.status == 'ended' or now >= st.end_ms then
    return 'ended'
  end
  if st.status ~= 'live' then
    return 'not_live'
  end
  if redis.call('HEXISTS', K_REGS, reg) == 0 then
    return 'not_registered'
  end
  return nil
end

local function registration(reg)
  local raw = redis.call('HGET', K_REGS, reg)
  if not raw then
    return nil
  end
  local code, class = string.match(raw, '^([^|]*)|(%d+)$')
  class = tonumber(class)
  if class == 0 then
    class = ORDINARY_CLASS
  end
  return {code = code, class = class}
end

-- On a Redis Cluster the loader makes this 'SPUBLISH': the event then goes to the lot's shard
-- only (its channel has the lot's hash tag), not over the bus to every node. One server keeps
-- PUBLISH, which Redis 6 (the embedded server's) has too.
local PUBLISH_COMMAND = 'PUBLISH'

local function publish(json)
  redis.call(PUBLISH_COMMAND, CHANNEL, json)
end

-- The end travels with the status, so a page shows the right time without asking: a resumed
-- lot's new end, or a suspended lot's remaining time (its countdown stands still at that).
local function publish_status(st)
  local frame = '{"type":"status","lot_id":' .. int(st.lot_id) .. ',"status":"' .. st.status .. '","end_ms":' .. int(st.end_ms)
  if st.status == 'suspended' then
    frame = frame .. ',"remaining_ms":' .. int(st.remaining_ms)
  end
  publish(frame .. '}')
end

-- Accept one bid: number it, move price, leader and (soft close) the end, log and announce it.
-- Precondition: the caller has validated it against the current state.
local function place(st, reg, info, amount, kind, now, client_bid_id)
  st.seq = st.seq + 1
  st.price = amount
  st.leader, st.leader_code, st.leader_class = reg, info.code, info.class
  if st.seq == 1 and st.window_ms > 0 then
    -- The fixed-price sale: the first valid offer opens a bidding window of its own length.
    st.end_ms = math.min(st.end_ms, now + st.window_ms)
  end
  if st.end_ms - now < st.ext_ms then
    st.end_ms = now + st.ext_ms
  end
  redis.call('HSET', K_STATE, 'seq', int(st.seq), 'price', int(amount), 'leader', reg,
             'leader_code', info.code, 'leader_class', int(info.class), 'end_ms', int(st.end_ms))
  redis.call('XADD', K_BIDS, int(st.seq) .. '-1', 'seq', int(st.seq), 'reg', reg, 'code', info.code,
             'amount', int(amount), 'kind', kind, 'at_ms', int(now), 'end_ms', int(st.end_ms),
             'cbid', client_bid_id or '')
  publish('{"type":"bid","lot_id":' .. int(st.lot_id) .. ',"seq":' .. int(st.seq) .. ',"bidder_code":"' ..
          info.code .. '","amount":' .. int(amount) .. ',"kind":"' .. kind .. '","at_ms":' .. int(now) ..
          ',"end_ms":' .. int(st.end_ms) .. '}')
end

-- The highest amount on the bidding grid (base + k * increment) that does not exceed max.
local function grid_cap(base, increment, max)
  if max < base then
    return base - increment
  end
  return base + math.floor((max - base) / increment) * increment
end

-- The kind of bid `amount` would be for `info` now, or nil when it is not a bid they could make:
-- the first bid from the starting price, later ones the price plus whole increments, or (a
-- priority holder ranking above the leader) the current price matched.
local function bid_kind(st, info, amount)
  if st.price == 0 then
    if amount >= st.start_price and (amount - st.start_price) % st.increment == 0 then
      return 'proxy'
    end
    return nil
  end
  if amount == st.price then
    return (info.class < st.leader_class) and 'priority' or nil
  end
  if amount >= st.price + st.increment and (amount - st.price) % st.increment == 0 then
    return 'proxy'
  end
  return nil
end

-- Place an automatic step if it is a bid the registration could make now (never the leader
-- raising itself, never off the grid); returns whether it was placed.
local function step(st, entry, amount, now)
  if entry.info == nil or entry.reg == st.leader then
    return false
  end
  local kind = bid_kind(st, entry.info, amount)
  if kind == nil then
    return false
  end
  place(st, entry.reg, entry.info, amount, kind, now, nil)
  return true
end

-- Resolve every proxy maximum against the current state in closed form, every step a real bid
-- its bidder could have made (docs/engine.md, "Proxies in closed form").
-- A contender's reach is the highest amount on the grid within its maximum; a priority holder
-- may also match the price. Ranked by reach, then by class (a holder matching ranks above), then
-- by the order maxima were set. The winner ends at the runner-up's reach when it can match it,
-- else at min(its reach, the runner-up's reach + increment); the runner-up's last step is
-- recorded first. When the runner-up is the leader itself, the winner bids first (a pre-step
-- the leader's proxy answers), or, when no pre-step is possible, jumps straight to the smallest
-- amount the leader's proxy cannot answer. A leading winner whose challenger cannot bid holds.
local function resolve_proxies(st, now)
  local inc, price = st.increment, st.price
  local base, min_next = price, price + inc
  if price == 0 then
    base, min_next = st.start_price, st.start_price
  end
  local flat = redis.call('HGETALL', K_PROXIES)
  local contenders = {}
  local leader_entry = nil
  for i = 1, #flat, 2 do
    local reg = flat[i]
    local max, order = string.match(flat[i + 1], '^(%d+)|(%d+)$')
    max, order = tonumber(max), tonumber(order)
    local info = registration(reg)
    if info then
      if reg == st.leader then
        leader_entry = {reg = reg, info = info, cap = math.max(price, grid_cap(price, inc, max)),
                        order = order, class = info.class}
      else
        local cap = grid_cap(base, inc, max)
        local matches = price > 0 and info.class < st.leader_class and max >= price
        if cap >= min_next or matches then
          table.insert(contenders, {reg = reg, info = info, cap = math.max(cap, price), order = order,
                                    class = info.class})
        end
      end
    end
  end
  if #contenders == 0 then
    return
  end
  if st.leader ~= '' then
    if leader_entry == nil then
      leader_entry = {reg = st.leader, cap = price, order = -1, class = st.leader_class}
    end
    table.insert(contenders, leader_entry)
  end
  table.sort(contenders, function(a, b)
    if a.cap ~= b.cap then
      return a.cap > b.cap
    end
    if a.class ~= b.class then
      return a.class < b.class
    end
    return a.order < b.order
  end)
  local winner, runner = contenders[1], contenders[2]
  if runner == nil then
    -- Alone against nobody (no leader yet): the smallest valid first bid.
    step(st, winner, min_next, now)
    return
  end
  local matching = winner.class < runner.class
  local final, runner_last
  if matching then
    final, runner_last = runner.cap, runner.cap
  elseif winner.cap == runner.cap then
    final, runner_last = winner.cap, winner.cap - inc
  else
    final = math.min(winner.cap, runner.cap + inc)
    runner_last = final - inc
  end
  if winner.reg == st.leader then
    if step(st, runner, runner_last, now) then
      step(st, winner, final, now)
    end
    return
  end
  if runner.reg == st.leader then
    local pre = runner_last - inc
    if runner.info ~= nil and runner_last > price and pre >= min_next and pre <= winner.cap then
      step(st, winner, pre, now)
      step(st, runner, runner_last, now)
      step(st, winner, final, now)
      return
    end
    -- The leader's proxy answers x by x + increment (or, a better holder, by matching x):
    -- the winner takes the smallest amount it cannot answer.
    local jump
    if matching and not (runner.info ~= nil and price + inc <= runner.cap) then
      jump = price
    elseif runner.class < winner.class then
      jump = runner.cap + inc
    else
      jump = math.max(min_next, runner.cap)
    end
    step(st, winner, math.min(jump, winner.cap), now)
    return
  end
  step(st, runner, runner_last, now)
  step(st, winner, final, now)
end
