-- Rebuild a lot's live state from the durable record (a Redis that lost it).
-- ARGV[2] lot id, [3] status, [4] starting price, [5] increment, [6] extension ms, [7] end_ms,
-- [8] remaining ms (suspended lots), [9] first-bid window ms, [10] price (0: no bid), [11] leader
-- registration ('' for none), [12] leader code, [13] leader class, [14] outcome ('' while open),
-- [15] number of registrations R, then R triples (registration, code, class),
-- then the number of proxies P and P pairs (registration, "max|order"),
-- then the bids as 8-tuples (seq, registration, code, amount, kind, at_ms, end_ms, client_bid_id).
-- Replaces whatever the lot had; returns the restored seq. Idempotency results are not restored.
for _, key in ipairs({K_STATE, K_REGS, K_PROXIES, K_RESULTS, K_BIDS}) do
  redis.call('DEL', key)
end
local i = 16
local regs = tonumber(ARGV[15])
for _ = 1, regs do
  redis.call('HSET', K_REGS, ARGV[i], ARGV[i + 1] .. '|' .. ARGV[i + 2])
  i = i + 3
end
local proxies = tonumber(ARGV[i])
i = i + 1
local order = 0
for _ = 1, proxies do
  redis.call('HSET', K_PROXIES, ARGV[i], ARGV[i + 1])
  order = math.max(order, tonumber(string.match(ARGV[i + 1], '|(%d+)$')))
  i = i + 2
end
local seq = 0
while i <= #ARGV do
  seq = tonumber(ARGV[i])
  redis.call('XADD', K_BIDS, ARGV[i] .. '-1', 'seq', ARGV[i], 'reg', ARGV[i + 1], 'code', ARGV[i + 2],
             'amount', ARGV[i + 3], 'kind', ARGV[i + 4], 'at_ms', ARGV[i + 5], 'end_ms', ARGV[i + 6],
             'cbid', ARGV[i + 7])
  i = i + 8
end
-- The record already holds these bids: the persisters start after them.
redis.call('XGROUP', 'CREATE', K_BIDS, 'persisters', '$', 'MKSTREAM')
redis.call('HSET', K_STATE, 'lot_id', ARGV[2], 'status', ARGV[3], 'start_price', ARGV[4], 'increment', ARGV[5],
           'ext_ms', ARGV[6], 'end_ms', ARGV[7], 'remaining_ms', ARGV[8], 'window_ms', ARGV[9], 'price', ARGV[10],
           'leader', ARGV[11], 'leader_code', ARGV[12], 'leader_class', ARGV[13], 'seq', int(seq),
           'proxy_order', int(order))
if ARGV[14] ~= '' then
  redis.call('HSET', K_STATE, 'outcome', ARGV[14])
end
return seq
