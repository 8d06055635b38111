"""The auction context's errors. Each carries a docs/api.md code; `web` maps the class to an
HTTP status in one place."""

from __future__ import annotations

from collections.abc import Mapping

from typing_extensions import override


class AuctionError(Exception):
    """Base of every error the auction context raises on purpose."""

    code = "auction_error"

    def __init__(
        self, message: str, *, code: str | None = None, fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = dict(fields or {})

    @override
    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, fields={self.fields!r})"


class ValidationFailed(AuctionError):
    code = "validation_failed"


class NotFound(AuctionError):
    code = "not_found"


class Unauthenticated(AuctionError):
    code = "not_authenticated"


class BadCredentials(Unauthenticated):
    code = "bad_credentials"


class Forbidden(AuctionError):
    code = "forbidden"


class Conflict(AuctionError):
    code = "conflict"


class RateLimited(AuctionError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
