-- Read the lot's state and the engine clock in one atomic step.
-- Returns the state hash flattened (field, value, …) followed by 'now_ms', <now>.
local flat = redis.call('HGETALL', K_STATE)
table.insert(flat, 'now_ms')
table.insert(flat, int(now_ms()))
return flat
