"""Languages of the pages: Chinese by default, English on request, from gettext catalogs.

Message ids are English; `web/locale/zh/LC_MESSAGES/messages.po` gives the Chinese. The .po
files are the only source: they are compiled in memory at start-up, so no compiled .mo file is
kept in the repository to drift from them. `make messages` re-extracts the ids (babel.cfg).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "zh"
LANGUAGES: Mapping[str, str] = {"zh": "zh-CN", "en": "en"}  # our code -> the html lang attribute
LANGUAGE_COOKIE = "lang"


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Catalogs:
    translations: Mapping[str, gettext.NullTranslations]

    def for_language(self, language: str) -> gettext.NullTranslations:
        return self.translations.get(language) or self.translations[DEFAULT_LANGUAGE]


def compile_po(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as source:
        catalog = read_po(source, locale=path.parents[1].name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> Catalogs:
    """English is the message ids themselves; every other language needs its catalog."""
    translations: dict[str, gettext.NullTranslations] = {"en": gettext.NullTranslations()}
    for language in LANGUAGES:
        if language != "en":
            translations[language] = compile_po(locale_dir / language / "LC_MESSAGES" / "messages.po")
    return Catalogs(translations)


def request_language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
