-- Set (or change) a bidder's hidden maximum; the engine then bids for them when outbid.
-- ARGV[2] registration id, ARGV[3] max_amount (fen).
-- Returns "1|<max_amount>|<price>|<end_ms>|<leader_code>" or "0|<code>".
local reg = ARGV[2]
local now = now_ms()
local st = load_state()
local refused = refusal(st, now, reg)
if refused then
  return '0|' .. refused
end
local max = amount_arg(ARGV[3])
if max == nil then
  return '0|invalid_amount'
end
local floor
if st.leader == reg then
  floor = st.price
elseif st.price == 0 then
  floor = st.start_price
else
  floor = st.price + st.increment
end
if max < floor then
  return '0|too_low'
end
-- The setting order breaks ties between equal maxima; an unchanged maximum keeps its place.
local existing = redis.call('HGET', K_PROXIES, reg)
local order
if existing and tonumber(string.match(existing, '^(%d+)|')) == max then
  order = tonumber(string.match(existing, '|(%d+)$'))
else
  order = redis.call('HINCRBY', K_STATE, 'proxy_order', 1)
end
redis.call('HSET', K_PROXIES, reg, int(max) .. '|' .. int(order))
resolve_proxies(st, now)
return '1|' .. int(max) .. '|' .. int(st.price) .. '|' .. int(st.end_ms) .. '|' .. (st.leader_code or '')
