-- Place a bid.
-- ARGV[2] registration id, ARGV[3] amount (fen), ARGV[4] client_bid_id (idempotency key).
-- Returns the result string "1|<seq>|<price>|<end_ms>" or "0|<code>": the first result for
-- this registration and client_bid_id, for the life of the lot. Rejections change nothing.
local reg, client_bid_id = ARGV[2], ARGV[4]
-- A lot the engine does not hold takes no bid and keeps nothing: no key is made for it (a key
-- made here would have no TTL and outlive everything).
if redis.call('EXISTS', K_STATE) == 0 then
  return '0|not_live'
end
local result_key = reg .. '|' .. client_bid_id
local earlier = redis.call('HGET', K_RESULTS, result_key)
if earlier then
  return earlier
end

local function decide()
  local now = now_ms()
  local st = load_state()
  local refused = refusal(st, now, reg)
  if refused then
    return '0|' .. refused
  end
  local info = registration(reg)
  local amount = amount_arg(ARGV[3])
  if amount == nil then
    return '0|invalid_amount'
  end
  if st.leader == reg then
    return '0|already_leading'
  end
  local kind = 'manual'
  if st.price == 0 then
    if amount < st.start_price then
      return '0|too_low'
    end
    if (amount - st.start_price) % st.increment ~= 0 then
      return '0|invalid_amount'
    end
  elseif amount == st.price then
    -- A priority holder may match the current price and leads if its class ranks higher.
    if info.class >= st.leader_class then
      return '0|too_low'
    end
    kind = 'priority'
  elseif amount < st.price + st.increment then
    return '0|too_low'
  elseif (amount - st.price) % st.increment ~= 0 then
    return '0|invalid_amount'
  end
  place(st, reg, info, amount, kind, now, client_bid_id)
  local own_seq = st.seq
  resolve_proxies(st, now)
  return '1|' .. int(own_seq) .. '|' .. int(st.price) .. '|' .. int(st.end_ms)
end

local result = decide()
redis.call('HSET', K_RESULTS, result_key, result)
return result
