"""`make translations`: extract the messages, update each language's catalog, fill it, compile it.

Spanish texts are written beside the code that needs them, as small PO files in
labapp/translations/<lang>/LC_MESSAGES/fragments/*.po (so parallel work does not fight over one
big file). They are the source: this writes every entry of messages.po that a fragment translates
(a correction goes in the fragment). messages.po is what gets compiled and what a reviewer reads
whole; an entry no fragment has may be translated there directly and is kept.

    python -m tools.translations            extract, update, fill, compile
    python -m tools.translations compile    compile only (the install step of make run / make test)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "labapp" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LANGUAGES = ("es",)  # every language but the source language, English


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603 - our own arguments


def extract() -> None:
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2",
             "--no-location", "--sort-output", "--omit-header", "-o", str(TEMPLATE), ".")


def update(language: str) -> None:
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if po.exists():
        _pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language,
                 "--no-fuzzy-matching", "--omit-header", "--ignore-obsolete")
    else:
        _pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language)


def _untranslated(string: object) -> bool:
    """An empty msgstr, or a plural entry (a tuple of msgstr[n]) with any form empty."""
    return not string or (isinstance(string, tuple) and not all(string))


def fill(language: str) -> int:
    """Fill empty or fuzzy entries of messages.po from the fragments; the number still missing."""
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    known: dict[object, object] = {}
    for fragment in sorted((folder / "fragments").glob("*.po")):
        with fragment.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and message.string and not message.fuzzy:
                    known[message.id] = message.string
    with (folder / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = 0
    for message in catalog:
        if not message.id:
            continue
        if message.id in known:  # the fragments are the source: a change there always reaches the catalog
            message.string = known[message.id]
            message.flags.discard("fuzzy")
        if _untranslated(message.string):
            missing += 1
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, include_lineno=False, width=100)
    return missing



def compile_all() -> None:
    for language in LANGUAGES:
        folder = TRANSLATIONS / language / "LC_MESSAGES"
        if not (folder / "messages.po").exists():
            continue
        with (folder / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        with (folder / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)


def main(argv: list[str]) -> int:
    if argv[:1] == ["compile"]:
        compile_all()
        return 0
    extract()
    for language in LANGUAGES:
        update(language)
        missing = fill(language)
        if missing:
            print(f"{language}: {missing} messages have no translation yet", file=sys.stderr)
    compile_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
