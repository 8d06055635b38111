"""The real-time gateway: `/ws` on the websockets library's own asyncio server, in the same
process and event loop as the Starlette app (docs/architecture.md, "The real-time gateway")."""
