"""A lot's lawful disclosures as tests send them: every item PROTOCOL.md requires, with a
reference price valid for most of a year (one module for the API, the browser and the demo)."""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8))


def full_disclosure(valid_days: int = 300) -> dict[str, object]:
    # Days are China's, as the rule counts them: from 16:00 UTC China is a day ahead.
    valid_until = dt.datetime.now(CHINA).date() + dt.timedelta(days=valid_days)
    return {
        "instrument": "(2025)浙0106民初1234号民事判决书",
        "reference_price": {"method": "appraisal", "valid_until": valid_until.isoformat()},
        "encumbrances": "抵押权人杭州银行；已查封，成交后由法院解除。",
        "occupancy": "空置，无租赁。",
        "taxes": "过户税费由买卖双方各自依法承担。",
        "defects": "无已知瑕疵，按现状拍卖。",
        "contact": {"name": "王法官", "phone": "0571-88880000"},
    }


FULL_DISCLOSURE = full_disclosure()
