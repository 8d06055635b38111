"""What a browser is shown when a request is refused: a page in the visitor's language, with
the visitor's own header, that says what happened and offers a way on (sign in, reload the
form, go home); never the API's JSON and never its English words.

`handle` is the app's one exception handler: a page for a browser, the JSON error for the rest.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auction.accounts import users as accounts
from auction.models import User
from core.db import database_away
from web.auth import SESSION_COOKIE, session_token
from web.errors import Refusal, error_response, refusal, wants_html
from web.i18n import N_
from web.labels import ERRORS, FIELD_ERRORS, FIELDS, GENERIC_ERROR
from web.rendering import render, translator
from web.state import app_state

log = logging.getLogger(__name__)

TITLES = {
    400: N_("The request could not be read"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed here"),
    409: N_("Not possible now"),
    413: N_("Too large"),
    415: N_("Not accepted"),
    422: N_("Not valid"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Paused for a moment"),
}
TITLES_BY_CODE = {"csrf_failed": N_("The form has expired")}


async def handle(request: Request, exc: Exception) -> Response:
    found = refusal(request, exc)
    if wants_html(request):
        return await error_page(request, found)
    response = error_response(found.status, found.code, found.message, found.fields or None)
    response.headers.update(found.headers)
    return response


def sign_in_first(request: Request, target: str | None = None) -> Response:
    """Send the visitor to sign in and back; a session cookie that no longer signs anyone in
    (expired, signed out elsewhere) is said to be so on the sign-in page."""
    query = {"next": target or request.url.path}
    if request.cookies.get(SESSION_COOKIE):
        query["expired"] = "1"
    response = RedirectResponse(f"/login?{urlencode(query, safe='/')}", status_code=303)
    if "expired" in query:
        response.delete_cookie(SESSION_COOKIE)
    return response


def came_from(request: Request) -> str | None:
    """The page of this site the visitor came from (the form to reload), if the browser says."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


async def error_page(request: Request, found: Refusal) -> Response:
    if found.status == 401:
        target = request.url.path if request.method == "GET" else came_from(request)
        return sign_in_first(request, target)
    _ = translator(request)
    ways = []
    back = came_from(request)
    if found.code == "csrf_failed" and back:
        ways.append((back, _("Reload the form and send it again")))
    elif found.status in (409, 422, 429) and back:
        ways.append((back, _("Back to the page")))
    user = await header_user(request)
    if user is None and found.status == 403 and found.code != "csrf_failed":
        ways.append((f"/login?{urlencode({'next': request.url.path})}", _("Sign in")))
    ways.append(("/", _("Go to the home page")))
    context = {
        "status": found.status,
        "title": _(TITLES_BY_CODE.get(found.code) or TITLES.get(found.status, TITLES[400])),
        "message": _(ERRORS.get(found.code, GENERIC_ERROR)),
        "code": found.code,
        "fields": [
            (_(FIELDS.get(key) or FIELDS.get(key.split(".")[0], key)), _(FIELD_ERRORS.get(code, code)))
            for key, code in sorted(found.fields.items())
        ],
        "ways": ways,
    }
    response = render(request, "error.html", context, status_code=found.status, current_user=user)
    response.headers.update(found.headers)
    return response


async def header_user(request: Request) -> User | None:
    """Who the header shows: the visitor signed in, even on a page that refuses them.

    Read without the CSRF check (the page only shows the name); an error page must render even
    when the database is the reason for it, so a database failure shows the signed-out header."""
    token = session_token(request)
    if not token:
        return None
    try:
        async with app_state(request).sessions() as session:
            return await accounts.user_for_token(session, token)
    except Exception as exc:
        if not database_away(exc):
            raise
        log.warning("error page without the visitor's header: %s", exc)
        return None
