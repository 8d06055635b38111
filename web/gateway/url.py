"""Where browsers find the gateway: the configured public URL behind a proxy, else the gateway's
own port on the host the page was served from."""

from __future__ import annotations

from starlette.requests import Request

from web.state import app_state


def public_ws_url(request: Request) -> str:
    settings = app_state(request).settings
    if settings.public_ws_url:
        return settings.public_ws_url
    scheme = "wss" if request.url.scheme == "https" else "ws"
    host = request.url.hostname or settings.host
    return f"{scheme}://{host}:{settings.ws_port}/ws"
