"""Public lot pages of the API: `/api/v1/lots`, `/api/v1/lots/{id}`, and the public bid log
`/api/v1/lots/{id}/bids` with its check `/api/v1/lots/{id}/bids/verify`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.errors import NotFound
from auction.lots.bid_log import check_chain, public_bids, published_head
from auction.lots.public import list_lots, lot_detail
from auction.lots.public_record import require_public_lot
from auction.lots.transitions import ms_to_datetime
from web.params import is_number, path_id
from web.queries import lot_filter
from web.replica_reads import public_read, read_sessions
from web.responses import json_response
from web.state import app_state

MAX_BIDS_PAGE = 1_000


async def lots(request: Request) -> Response:
    where = lot_filter(request)
    state = app_state(request)
    async with read_sessions(request)() as session:
        return json_response(await list_lots(session, where, state.engine))


async def lot(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    async with read_sessions(request)() as session:
        return json_response(await lot_detail(session, state.engine, lot_id))


async def bid_history(request: Request) -> Response:
    """Oldest first; `after_seq` and `limit` page through a long log."""
    lot_id = path_id(request, "lot_id")
    after = request.query_params.get("after_seq", "0")
    limit = request.query_params.get("limit", str(MAX_BIDS_PAGE))
    async with read_sessions(request)() as session:
        await require_public_lot(session, lot_id)
        if not is_number(after) or not is_number(limit) or not 1 <= int(limit) <= MAX_BIDS_PAGE:
            raise NotFound("after_seq and limit are whole numbers; limit at most 1000")
        rows = await public_bids(session, lot_id, after_seq=int(after), limit=int(limit))
    return json_response(
        [
            {
                "seq": row.seq,
                "bidder_code": row.bidder_code,
                "amount": row.amount,
                "at": ms_to_datetime(row.at_ms).isoformat(),
                "kind": row.kind,
                "at_ms": row.at_ms,
                "prev_hash": row.prev_hash,
                "hash": row.hash,
            }
            for row in rows
        ]
    )


async def verify_bids(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    async with read_sessions(request)() as session:
        await require_public_lot(session, lot_id)
        check = await check_chain(session, lot_id)
        published = await published_head(session, lot_id)
    body: dict[str, object] = {"head": check.head, "count": check.count, "valid": check.valid}
    if not check.valid:
        body["first_broken_seq"] = check.first_broken_seq
        body["reason"] = check.reason
    if published is not None:
        body["published_head"] = published
        body["valid"] = check.valid and published == check.head
    return json_response(body)


routes = [
    Route("/api/v1/lots", public_read(lots), methods=["GET"]),
    Route("/api/v1/lots/{lot_id}", public_read(lot), methods=["GET"]),
    Route("/api/v1/lots/{lot_id}/bids", public_read(bid_history), methods=["GET"]),
    Route("/api/v1/lots/{lot_id}/bids/verify", public_read(verify_bids), methods=["GET"]),
]
