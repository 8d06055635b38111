"""The Chinese catalog covers every message the pages show, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from web.i18n import LOCALE_DIR, compile_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}|%%")


def extracted_ids() -> set[str]:
    method_map, options_map = parse_mapping_cfg((ROOT / "babel.cfg").open())
    found = extract_from_dir(str(ROOT), method_map, options_map)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_every_message_has_a_chinese_translation_with_its_placeholders() -> None:
    ids = extracted_ids()
    assert len(ids) > 200  # the extraction really read the templates
    zh = compile_po(LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po")
    untranslated = sorted(m for m in ids if zh.gettext(m) == m)
    assert untranslated == [], "run `make messages` and translate these in the .po"
    mismatched = [
        m for m in ids if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(zh.gettext(m)))
    ]
    assert mismatched == []


def test_catalog_has_no_stale_entries() -> None:
    """A message removed from the pages leaves the catalog too (`make messages` rewrites it)."""
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog_ids = {message.id for message in read_po(source) if message.id}
    assert catalog_ids - extracted_ids() == set()
