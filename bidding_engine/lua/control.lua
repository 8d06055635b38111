-- Suspend (中止), resume or cancel (撤回) a lot on the court's order, or reinstate a cancelled one
-- (undoing a cancellation whose record could not be written: the court's order is the record's).
-- ARGV[2] 'suspend' | 'resume' | 'cancel' | 'reinstate', ARGV[3] seconds to keep a cancelled lot's
-- keys (its log is in PostgreSQL by then).
-- Suspending keeps the remaining time; resuming restarts the clock with it.
-- Returns "1|<status>|<end_ms>" or "0|<code>" (not_live, ended, not_suspended, not_cancelled).
local action = ARGV[2]
local now = now_ms()
local st = load_state()
if action == 'reinstate' then
  if st == nil or st.status ~= 'cancelled' then
    return '0|not_cancelled'
  end
  st.status = st.cancelled_from or 'live'
  redis.call('HSET', K_STATE, 'status', st.status)
  redis.call('HDEL', K_STATE, 'closed_ms', 'cancelled_from')
  for _, key in ipairs({K_STATE, K_REGS, K_PROXIES, K_RESULTS, K_BIDS}) do
    redis.call('PERSIST', key)
  end
  publish_status(st)
  return '1|' .. st.status .. '|' .. int(st.end_ms)
end
if st == nil or st.status == 'cancelled' then
  return '0|not_live'
end
if st.status == 'ended' or (st.status == 'live' and now >= st.end_ms) then
  return '0|ended'
end
if action == 'suspend' then
  if st.status ~= 'live' then
    return '0|not_live'
  end
  st.status = 'suspended'
  st.remaining_ms = st.end_ms - now
  redis.call('HSET', K_STATE, 'status', 'suspended', 'remaining_ms', int(st.remaining_ms))
elseif action == 'resume' then
  if st.status ~= 'suspended' then
    return '0|not_suspended'
  end
  st.status = 'live'
  st.end_ms = now + st.remaining_ms
  redis.call('HSET', K_STATE, 'status', 'live', 'end_ms', int(st.end_ms), 'remaining_ms', '0')
elseif action == 'cancel' then
  redis.call('HSET', K_STATE, 'status', 'cancelled', 'closed_ms', int(now), 'cancelled_from', st.status)
  st.status = 'cancelled'
  -- A withdrawn lot takes nothing more: its keys go with the others' after the close period.
  local keep = tonumber(ARGV[3])
  for _, key in ipairs({K_STATE, K_REGS, K_PROXIES, K_RESULTS, K_BIDS}) do
    redis.call('EXPIRE', key, keep)
  end
else
  return redis.error_reply('UNKNOWN_ACTION')
end
publish_status(st)
return '1|' .. st.status .. '|' .. int(st.end_ms)
