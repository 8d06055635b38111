-- Suspend (中止), resume or cancel (撤回) a lot on the court's order.
-- ARGV[2] 'suspend' | 'resume' | 'cancel'.
-- Suspending keeps the remaining time; resuming restarts the clock with it.
-- Returns "1|<status>|<end_ms>" or "0|<code>" (not_live, ended, not_suspended).
local action = ARGV[2]
local now = now_ms()
local st = load_state()
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
  redis.call('HSET', K_STATE, 'status', 'suspended', 'remaining_ms', int(st.end_ms - now))
elseif action == 'resume' then
  if st.status ~= 'suspended' then
    return '0|not_suspended'
  end
  st.status = 'live'
  st.end_ms = now + st.remaining_ms
  redis.call('HSET', K_STATE, 'status', 'live', 'end_ms', int(st.end_ms), 'remaining_ms', '0')
elseif action == 'cancel' then
  st.status = 'cancelled'
  redis.call('HSET', K_STATE, 'status', 'cancelled', 'closed_ms', int(now))
else
  return redis.error_reply('UNKNOWN_ACTION')
end
publish_status(st)
return '1|' .. st.status .. '|' .. int(st.end_ms)
