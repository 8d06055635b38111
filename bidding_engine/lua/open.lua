-- Open a lot for bidding (idempotent: an open lot is left as it is).
-- ARGV[2] lot id, ARGV[3] starting price, ARGV[4] increment, ARGV[5] end_ms, ARGV[6] extension ms,
-- ARGV[7] first-bid window ms (the fixed-price sale: the first valid offer starts a bidding window
-- of this length; 0 for auctions), then triples (registration id, bidder code, class: priority
-- rank, 0 for ordinary bidders).
-- Returns 1 when opened now, 0 when it was already open. Opening is announced on the lot's
-- channel as a status event, so a page watching the lot before its start turns live with it.
if redis.call('EXISTS', K_STATE) == 1 then
  return 0
end
redis.call('HSET', K_STATE, 'lot_id', ARGV[2], 'status', 'live', 'start_price', ARGV[3],
           'increment', ARGV[4], 'end_ms', ARGV[5], 'ext_ms', ARGV[6], 'price', '0', 'seq', '0',
           'leader', '', 'leader_code', '', 'leader_class', '0', 'proxy_order', '0', 'window_ms', ARGV[7])
-- The persisters' consumer group is born with the stream, so no bid can precede it.
redis.call('XGROUP', 'CREATE', K_BIDS, 'persisters', '0', 'MKSTREAM')
for i = 8, #ARGV, 3 do
  redis.call('HSET', K_REGS, ARGV[i], ARGV[i + 1] .. '|' .. ARGV[i + 2])
end
publish_status({lot_id = ARGV[2], status = 'live', end_ms = ARGV[5]})
return 1
