"""Live bidding on Redis: Lua scripts, the async engine API, key layout, the bid streams and
the per-lot event feed. Knows nothing of SQL, HTTP or sockets, and never imports `auction`.
"""
