"""The engine's errors. Bid *rejections* are results, not errors (see `BidResult.code`);
these are for calls the engine cannot carry out at all."""

from __future__ import annotations


class EngineError(Exception):
    """Base of the bidding engine's errors."""

    code = "engine_error"


class EngineUnavailable(EngineError):
    """Redis cannot be reached: bidding fails closed, never open."""

    code = "engine_unavailable"


class InvalidRequest(EngineError):
    """A call the engine refuses before deciding anything (malformed id, wrong type)."""

    code = "invalid_request"


class LotNotOpen(EngineError):
    """The lot has no live state in the engine (never opened, ended or cancelled)."""

    code = "not_live"
