"""The public bid log: `/api/v1/lots/{id}/bids` and `/api/v1/lots/{id}/bids/verify`."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auction.enums import LotStatus
from auction.errors import NotFound
from auction.lots.bid_log import check_chain
from auction.lots.transitions import ms_to_datetime
from auction.models import Bid, Lot
from web.params import is_number
from web.state import app_state

MAX_BIDS_PAGE = 1_000


def lot_id_of(request: Request) -> int:
    raw = request.path_params["lot_id"]
    if not is_number(raw) or len(raw) > 18:
        raise NotFound("no such lot")
    return int(raw)


async def public_lot_exists(request: Request, lot_id: int) -> None:
    async with app_state(request).sessions() as session:
        status = await session.scalar(sa.select(Lot.status).where(Lot.id == lot_id))
    if status is None or status is LotStatus.DRAFT:
        raise NotFound("no such lot")


async def bid_history(request: Request) -> JSONResponse:
    """Oldest first; `after_seq` and `limit` page through a long log."""
    lot_id = lot_id_of(request)
    await public_lot_exists(request, lot_id)
    after = request.query_params.get("after_seq", "0")
    limit = request.query_params.get("limit", str(MAX_BIDS_PAGE))
    if not is_number(after) or not is_number(limit) or not 1 <= int(limit) <= MAX_BIDS_PAGE:
        raise NotFound("after_seq and limit are whole numbers; limit at most 1000")
    async with app_state(request).sessions() as session:
        rows = await session.execute(
            sa.select(Bid.seq, Bid.bidder_code, Bid.amount, Bid.kind, Bid.at_ms, Bid.prev_hash, Bid.hash)
            .where(Bid.lot_id == lot_id, Bid.seq > int(after))
            .order_by(Bid.seq)
            .limit(int(limit))
        )
        body = [
            {
                "seq": row.seq,
                "bidder_code": row.bidder_code,
                "amount": row.amount,
                "at": ms_to_datetime(row.at_ms).isoformat(),
                "kind": row.kind.value,
                "at_ms": row.at_ms,
                "prev_hash": row.prev_hash,
                "hash": row.hash,
            }
            for row in rows
        ]
    return JSONResponse(body)


async def verify_bids(request: Request) -> JSONResponse:
    lot_id = lot_id_of(request)
    await public_lot_exists(request, lot_id)
    async with app_state(request).sessions() as session:
        check = await check_chain(session, lot_id)
        published = await session.scalar(sa.select(Lot.bid_chain_head).where(Lot.id == lot_id))
    body: dict[str, object] = {"head": check.head, "count": check.count, "valid": check.valid}
    if not check.valid:
        body["first_broken_seq"] = check.first_broken_seq
        body["reason"] = check.reason
    if published is not None:
        body["published_head"] = published
        body["valid"] = check.valid and published == check.head
    return JSONResponse(body)


routes = [
    Route("/api/v1/lots/{lot_id}/bids", bid_history, methods=["GET"]),
    Route("/api/v1/lots/{lot_id}/bids/verify", verify_bids, methods=["GET"]),
]
