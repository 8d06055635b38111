"""The public enforcement lists over HTTP: pages, exports for credit platforms (CSV or JSON, a
cursor, an ETag), and the parties' case look-up."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.disclosure import lists
from auction.errors import NotFound
from web.jsonbody import Body, read_json
from web.lookups import throttled_lookup
from web.queries import LISTS, list_query
from web.replica_reads import partner_read, public_read, read_sessions
from web.responses import json_response


async def public_list(request: Request) -> Response:
    which = request.path_params["which"]
    if which not in LISTS:
        raise NotFound("no such list")
    query = list_query(request, export=False)
    async with read_sessions(request)() as session:
        if which == "dishonest":
            return json_response(await lists.dishonest_list(session, query))
        return json_response(await lists.case_list(session, which, query))


async def export(request: Request) -> Response:
    """CSV or JSON for credit platforms: stable ids, `updated_since` and a `cursor` to page
    through changes, and an ETag so an unchanged batch costs a 304."""
    which, fmt = request.path_params["which"], request.path_params["fmt"]
    if which not in LISTS or fmt not in ("csv", "json"):
        raise NotFound("no such export")
    query = list_query(request, export=True)
    async with read_sessions(request)() as session:
        batch: lists.ExportBatch[lists.ListedCase] | lists.ExportBatch[lists.ListedDishonest] = (
            await lists.dishonest_export(session, query)
            if which == "dishonest"
            else await lists.case_export(session, which, query)
        )
    body = lists.as_csv(batch.items) if fmt == "csv" else lists.as_json(batch)
    tag = lists.etag(body)
    headers = {"etag": tag, "cache-control": "no-cache"}
    if batch.next_cursor:
        headers["x-next-cursor"] = batch.next_cursor
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    headers["content-disposition"] = f'attachment; filename="{which}.{fmt}"'
    return Response(body, media_type=media, headers=headers)


class LookupBody(Body):
    case_number: str
    id_number: str


async def lookup(request: Request) -> Response:
    body = await read_json(request, LookupBody)
    return json_response(await throttled_lookup(request, body.case_number, body.id_number))


routes = [
    Route("/api/v1/disclosure/{which}.{fmt}", partner_read(export), methods=["GET"]),
    Route("/api/v1/disclosure/{which}", public_read(public_list), methods=["GET"]),
    Route("/api/v1/case-lookup", lookup, methods=["POST"]),
]
