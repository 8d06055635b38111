"""The Starlette app (pages, JSON API, auth) and the real-time gateway. Nothing imports `web`."""
