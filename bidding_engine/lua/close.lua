-- Close the lot if its engine end time has passed (idempotent; safe from any number of workers).
-- ARGV[2] seconds to keep the lot's keys after the close (the log is in PostgreSQL by then).
-- Returns {state, outcome, price, leader registration, leader code, end_ms, seq, now_ms, closed_now,
-- closed_ms} where state is 'ended' (closed now or before), 'live', 'suspended', 'cancelled' or
-- 'missing', and closed_ms is when the engine closed it (0 while open): whichever call records the
-- close, it records this moment, not its own.
local now = now_ms()
local st = load_state()
if st == nil then
  return {'missing', '', '0', '', '', '0', '0', int(now), 0, '0'}
end
local closed_now = 0
if st.status == 'live' and now >= st.end_ms then
  st.status = 'ended'
  st.outcome = (st.leader ~= '') and 'sold' or 'failed'
  st.closed_ms = now
  redis.call('HSET', K_STATE, 'status', 'ended', 'outcome', st.outcome, 'closed_ms', int(now))
  local keep = tonumber(ARGV[2])
  for _, key in ipairs({K_STATE, K_REGS, K_PROXIES, K_RESULTS, K_BIDS}) do
    redis.call('EXPIRE', key, keep)
  end
  local winner = 'null'
  if st.outcome == 'sold' then
    winner = '"' .. st.leader_code .. '"'
  end
  publish('{"type":"closed","lot_id":' .. int(st.lot_id) .. ',"outcome":"' .. st.outcome .. '","price":' ..
          int(st.price) .. ',"winner_code":' .. winner .. '}')
  closed_now = 1
end
return {st.status, st.outcome or '', int(st.price), st.leader or '', st.leader_code or '', int(st.end_ms),
        int(st.seq), int(now), closed_now, int(st.closed_ms)}
