"""Money after the hammer: fee schedules, the allocation waterfall, the ledger, allocation plans.

Never imports `auction` or `web`; the waterfall and fee schedules are pure functions.
"""
