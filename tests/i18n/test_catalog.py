"""Every message has Spanish, and no template shows text that skips the catalog."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
SPANISH = ROOT / "labapp" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
# What `make translations` (tools.translations.extract, via babel.cfg) reads, and its keywords.
METHODS = [("labapp/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2"),
           ("templates/**.md", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}



def _extracted() -> dict[str | tuple[str, ...], str]:
    """msgid -> where it was found, straight from the code (nothing in the repository is rewritten)."""
    found: dict[str | tuple[str, ...], str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS, strip_comment_tags=True,
    ):
        key = message if isinstance(message, str) else tuple(m for m in message if m)
        found.setdefault(key if isinstance(key, str) or len(key) > 1 else key[0], f"{filename}:{lineno}")
    return found


def test_every_message_in_the_code_has_a_spanish_translation():
    with SPANISH.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    problems = []
    extracted = _extracted()
    assert len(extracted) > 100, "the extraction found the code's messages"
    for msgid, where in sorted(extracted.items(), key=lambda item: str(item[0])):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r} ({where})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where})")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            problems.append(f"empty: {msgid!r} ({where})")
    assert problems == [], (
        "run `make translations` after adding the Spanish to a fragment "
        "(labapp/translations/es/LC_MESSAGES/fragments/):\n" + "\n".join(problems))


# A trans block (its text is a message), then Jinja's own syntax, then HTML: what is left is shown as is.
_TRANS = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S)
_JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&#?\w+;")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Attributes people read or hear (tooltips, screen-reader names, alt text, meta descriptions).
_SHOWN_ATTRIBUTE = re.compile(
    r'\s(?:aria-label|title|alt|placeholder)="([^"]*)"|<meta name="description" content="([^"]*)"')


def bare_text(source: str) -> list[str]:
    """Pieces of user-visible text in a template that do not go through gettext."""
    source = _TRANS.sub(" ", source)
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    attributes = ["".join(values).strip() for values in _SHOWN_ATTRIBUTE.findall(_JINJA.sub(" ", source))]
    text = _ENTITY.sub(" ", _TAG.sub(" ", _SCRIPT.sub(" ", _JINJA.sub(" ", source))))
    pieces = [piece.strip() for piece in re.split(r"\s{2,}|\n", text)]
    return [piece for piece in pieces + attributes if _LETTER.search(piece)]


def _templates() -> list[Path]:
    # Every page and every email part (HTML, text, subject): nothing is left untranslated.
    return sorted(path for pattern in ("*.html", "*.txt", "*.md") for path in TEMPLATES.rglob(pattern))


def test_no_template_shows_text_outside_gettext():
    found = {str(path.relative_to(ROOT)): bare_text(path.read_text(encoding="utf-8")) for path in _templates()}
    assert {name: pieces for name, pieces in found.items() if pieces} == {}


def test_the_check_sees_bare_text_and_lets_translated_text_through():
    assert bare_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert bare_text('<nav aria-label="Main">') == ["Main"]
    assert bare_text('<meta name="description" content="About us">') == ["About us"]
    assert bare_text('<meta name="viewport" content="width=device-width">') == []
    assert bare_text("<p>{{ _('Hello') }} · {% trans n=1 %}Hi {{ n }}{% endtrans %}</p>") == []
    assert bare_text("{# a comment #}<p>{{ 'x' }} &nbsp;—&nbsp; 1–5</p>") == []
    assert "base.html" in {path.name for path in _templates()}
