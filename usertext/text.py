"""Invisible characters out, direction isolated.

Bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) in a title reverse or
reorder whatever follows them: a project called "\u202eabc" turns the rest of "Zuwendung für das Projekt „…“ in
Höhe von …" around. Other invisible format characters (zero-width spaces, soft hyphens, byte order marks, tag
characters) make two names look the same that are not. We remove them when text is typed (`without_controls`)
and again where stored text is shown, for what was stored before.

Kept, because scripts need them and they cannot reorder anything: the joiners U+200C/U+200D (Persian, Arabic
and emoji), the marks U+200E/U+200F/U+061C (LRM, RLM, ALM) and the Arabic number signs (visible marks).

Shown inside a sentence, user text is isolated, so that an Arabic title keeps a German sentence in order and
a Latin name keeps an Arabic one in order: in HTML with <bdi>, in plain text (e-mails, subjects) between
U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE.
"""

import unicodedata

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"

_KEPT_FORMAT_CHARACTERS = frozenset(
    "\u200c\u200d"  # zero-width non-joiner and joiner
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"  # Arabic/Syriac number signs
)
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85")


def _removed(character: str) -> bool:
    category = unicodedata.category(character)
    if category == "Cf":
        return character not in _KEPT_FORMAT_CHARACTERS
    return category in ("Cc", "Cs")


def without_controls(text: str, *, multiline: bool = True) -> str:
    """`text` without bidirectional controls and other invisible control or format characters.

    Multi-line text keeps its line breaks (as "\\n") and tabs; single-line text gets a space for them.
    """
    if text.isprintable():  # the usual case, and fast: nothing to remove
        return text
    kept = []
    for character in text.replace("\r\n", "\n"):
        if character in _LINE_BREAKS:
            kept.append("\n" if multiline else " ")
        elif character == "\t":
            kept.append("\t" if multiline else " ")
        elif not _removed(character):
            kept.append(character)
    return "".join(kept)


def isolated(value) -> str:
    """User text for a plain-text sentence: cleaned and between FSI and PDI. Empty stays empty."""
    text = without_controls(str(value)) if value is not None else ""
    if not text:
        return ""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


def isolated_html(value) -> SafeString:
    """User text for an HTML sentence: cleaned, escaped and inside <bdi>. Empty stays empty.

    Text already marked safe (a link, a value rendered by another filter) is wrapped as it is.
    """
    if value is None:
        return SafeString("")
    text = without_controls(conditional_escape(value))  # escaped here, so it can go into the markup as it is
    return SafeString(f"<bdi>{text}</bdi>") if text else SafeString("")
