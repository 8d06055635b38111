"""Settlement's errors. Each carries a docs/api.md code; `web` maps the class to an HTTP
status in one place, as it does for the auction context's errors."""

from __future__ import annotations

from collections.abc import Mapping

from typing_extensions import override


class SettlementError(Exception):
    """Base of every error settlement raises on purpose."""

    code = "settlement_error"

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


class PlanNotFound(SettlementError):
    code = "not_found"


class PlanConflict(SettlementError):
    """The plan is not in a state that allows the action."""

    code = "conflict"


class PlanInvalid(SettlementError):
    """The values given do not fit the plan (field-level codes in `fields`)."""

    code = "validation_failed"
