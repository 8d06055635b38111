"""Account pages: sign in, sign out, sign up, and the language switch."""

from __future__ import annotations

import contextlib

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from auction.accounts import users as accounts
from auction.accounts.users import SESSION_LIFETIME
from auction.enums import AccountKind, Role
from auction.errors import Conflict, RateLimited, Unauthenticated, ValidationFailed
from web.auth import (
    SESSION_COOKIE,
    end_session,
    session_token,
    sign_in,
    throttle_sign_up,
)
from web.i18n import LANGUAGE_COOKIE, LANGUAGES
from web.rendering import FormExpired, expired_form_message, form_data, render, safe_next, translator
from web.state import app_state


async def login_page(request: Request) -> Response:
    _ = translator(request)
    # Sent here because the session cookie no longer signs anyone in: say so, not just "sign in".
    expired = request.query_params.get("expired") == "1"
    notice = _("Your session has ended (it expired, or you signed out elsewhere). Sign in again.")
    context = {
        "error": notice if expired else None,
        "next": safe_next(request.query_params.get("next", "/")),
        "username": "",
    }
    return render(request, "login.html", context)


def session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


async def login(request: Request) -> Response:
    try:
        form = await form_data(request)
    except FormExpired as exc:
        context = {
            "error": expired_form_message(request),
            "next": safe_next(exc.values.get("next", "/")),
            "username": exc.values.get("username", "")[:64],
        }
        return render(request, "login.html", context, 403)
    username, target = form.get("username", "")[:64], safe_next(form.get("next", "/"))
    try:
        async with app_state(request).sessions.begin() as session:
            user = await sign_in(request, session, username, form.get("password", "")[:256])
            token, _ = await accounts.issue_token(session, user, SESSION_LIFETIME)
    except (Unauthenticated, RateLimited) as exc:
        _ = translator(request)
        if isinstance(exc, RateLimited):
            status, error = (
                429,
                _("Too many failed sign-ins; try again in %(s)s seconds.") % {"s": exc.retry_after_s},
            )
        else:
            status, error = 401, _("Wrong username or password.")
        return render(request, "login.html", {"error": error, "next": target, "username": username}, status)
    response = RedirectResponse(target, status_code=303)
    session_cookie(request, response, token)
    return response


async def logout(request: Request) -> Response:
    await form_data(request)
    if session_token(request):
        with contextlib.suppress(Unauthenticated):  # already signed out: nothing to end
            await end_session(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def signup_page(request: Request) -> Response:
    return render(request, "signup.html", {"errors": {}, "values": {}})


SIGN_UP_FIELDS = (
    "username",
    "password",
    "real_name",
    "id_number",
    "kind",
    "credit_code",
    "representative_name",
    "representative_id_number",
)
SECRET_FIELDS = ("password", "id_number", "representative_id_number")  # never echoed: typed again


async def signup(request: Request) -> Response:
    try:
        form = await form_data(request)
    except FormExpired as exc:
        shown = {key: exc.values.get(key, "")[:256] for key in SIGN_UP_FIELDS if key not in SECRET_FIELDS}
        context = {"errors": {}, "values": shown, "expired": expired_form_message(request)}
        return render(request, "signup.html", context, 403)
    values = {key: form.get(key, "")[:256] for key in SIGN_UP_FIELDS}
    state = app_state(request)
    company = (
        accounts.Company(
            values["credit_code"], values["representative_name"], values["representative_id_number"]
        )
        if values["kind"] == AccountKind.LEGAL.value
        else None
    )
    new = accounts.NewUser(
        Role.BIDDER,
        values["username"],
        values["password"],
        values["real_name"],
        None if company else values["id_number"] or None,
        company=company,
    )
    try:
        await throttle_sign_up(request)
        async with state.sessions.begin() as session:
            user = await accounts.create_user(session, new, secret_key=state.settings.secret_key)
            token, _ = await accounts.issue_token(session, user, SESSION_LIFETIME)
    except (ValidationFailed, Conflict, RateLimited) as exc:
        shown = {key: value for key, value in values.items() if key not in SECRET_FIELDS}
        status = 429 if isinstance(exc, RateLimited) else 422
        return render(
            request, "signup.html", {"errors": exc.fields or {"form": exc.code}, "values": shown}, status
        )
    response = RedirectResponse("/", status_code=303)
    session_cookie(request, response, token)
    return response


async def switch_language(request: Request) -> Response:
    """Remembered in a cookie for a year; only a preference, so a plain link may set it."""
    language = request.path_params["language"]
    if language not in LANGUAGES:
        raise HTTPException(404, "no such language")
    response = RedirectResponse(safe_next(request.query_params.get("next", "/")), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


routes = [
    Route("/lang/{language}", switch_language, methods=["GET"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/signup", signup_page, methods=["GET"]),
    Route("/signup", signup, methods=["POST"]),
]
