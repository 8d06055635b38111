"""The parties' case look-up by case number and identity number, throttled per address: the
API and the disclosure page's form answer the same, so the form reveals nothing the API does not."""

from __future__ import annotations

from starlette.requests import Request

from auction.disclosure import lookup as case_lookup
from auction.disclosure.lookup import CaseTimeline
from auction.errors import RateLimited
from core.throttle import Limit, Throttle
from web.auth import client_address
from web.state import app_state

LOOKUPS_PER_ADDRESS = Limit("case-lookup:address", 20, 15 * 60)


async def throttled_lookup(request: Request, case_number: str, id_number: str) -> CaseTimeline:
    """A party's case by number and identity number, throttled per address (API and page)."""
    state = app_state(request)
    throttle = Throttle(state.redis, state.settings.redis_namespace)
    address = client_address(request)
    wait = await throttle.retry_after(LOOKUPS_PER_ADDRESS, address)
    if wait:
        raise RateLimited(f"too many look-ups; try again in {wait} s", retry_after_s=wait)
    await throttle.record(LOOKUPS_PER_ADDRESS, address)  # every try counts: identity numbers are guessable
    async with state.sessions() as session:
        case = await case_lookup.lookup_case(session, case_number, id_number, state.settings.secret_key)
        return await case_lookup.timeline(session, case.id)
