-- Add or remove an eligible registration while the lot is open (a deposit confirmed mid-auction).
-- ARGV[2] 'add' | 'remove', ARGV[3] registration id, ARGV[4] bidder code, ARGV[5] class.
-- Returns 1, or an error reply when the lot is not open or has ended.
local st = load_state()
if st == nil or st.status == 'ended' or st.status == 'cancelled' then
  return redis.error_reply('NOT_OPEN')
end
if ARGV[2] == 'add' then
  redis.call('HSET', K_REGS, ARGV[3], ARGV[4] .. '|' .. ARGV[5])
else
  redis.call('HDEL', K_REGS, ARGV[3])
  redis.call('HDEL', K_PROXIES, ARGV[3])
end
return 1
