"""Rendering a page: the common context (language, CSRF token, gateway URL, user), forms read
with their CSRF check, and the request's translation function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response

from auction.errors import Forbidden, ValidationFailed
from auction.models import User
from web.auth import (
    SESSION_COOKIE,
    check_csrf,
    csrf_token,
    set_csrf_cookie,
)
from web.bodies import read_form
from web.gateway.url import public_ws_url
from web.i18n import LANGUAGES, request_language
from web.labels import ERRORS
from web.params import has_nul
from web.state import app_state


def render(
    request: Request,
    template: str,
    context: Mapping[str, object],
    status_code: int = 200,
    current_user: User | None = None,
) -> Response:
    state = app_state(request)
    language = request_language(request)
    context = {
        "lang": language,
        "html_lang": LANGUAGES[language],
        "translations": state.catalogs.for_language(language),
        "ws_url": public_ws_url(request),
        "rules_name": state.settings.rules.value,
        "csrf_token": csrf_token(request),
        "current_user": current_user,
        **context,
    }
    response = state.templates.TemplateResponse(request, template, context, status_code=status_code)
    set_csrf_cookie(request, response)
    return response


class FormExpired(Forbidden):
    """A form sent without its CSRF token's cookie (open too long, cookies cleared): refused,
    with what was typed, so its page can show the form again filled in with a fresh token."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(
            "the form has expired or did not come from this site; reload and try again", code="csrf_failed"
        )
        self.values = values


def expired_form_message(request: Request) -> str:
    """What a page that shows its form again after `FormExpired` says above it."""
    _ = translator(request)
    return _(ERRORS["csrf_failed"]) + " " + _("Check what is filled in and send it again.")


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form, CSRF-checked; only text fields (a page's form is small: 64 KiB)."""
    form = await read_form(request, FORM_LIMIT)
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        check_csrf(request, str(form.get("csrf_token", "")))
    except Forbidden:
        raise FormExpired(values) from None
    request.scope["form_csrf_checked"] = True
    if has_nul(*values.values()):
        raise ValidationFailed("text may not contain U+0000", fields={"form": "nul_character"})
    return values


FORM_LIMIT = 64 * 1024


def safe_next(target: str) -> str:
    """Only paths on this site: never an open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def may_be_signed_in(request: Request) -> bool:
    """The busiest pages skip the token look-up for the anonymous crowd."""
    return bool(request.cookies.get(SESSION_COOKIE) or request.headers.get("authorization"))


def translator(request: Request) -> Callable[[str], str]:
    """gettext in the request's language, for messages made in Python."""
    return app_state(request).catalogs.for_language(request_language(request)).gettext


def cached_for_the_crowd(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Serve an anonymous visitor the page rendered for the previous one within the second.

    Only for public pages whose anonymous version carries nothing personal (no CSRF token, no
    user): what changes by the second reaches the page over its socket, which resumes from the
    last bid the page shows, so a second-old page loses nothing. Signed-in visitors (a cookie
    or a bearer token) always get a fresh render."""

    async def endpoint(request: Request) -> Response:
        if may_be_signed_in(request):
            return await handler(request)
        url = request.url
        key = f"page:{request_language(request)}:{url.hostname}:{url.path}?{url.query}"

        async def rendered() -> tuple[int, bytes, str | None]:
            response = await handler(request)
            return response.status_code, bytes(response.body), response.media_type

        status, body, media_type = await app_state(request).cache.get(key, rendered)
        return Response(body, status_code=status, media_type=media_type)

    return endpoint
