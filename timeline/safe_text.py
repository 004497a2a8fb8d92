"""Text made safe for where it is shown: spreadsheet cells and terminals.

Article text is written by strangers. Two places would otherwise act on it instead of showing it:
a spreadsheet opening a CSV export runs a cell that starts like a formula (``=HYPERLINK(...)``),
and a terminal obeys the control characters and escape sequences in a line it prints
(``\\x1b]0;title\\x07`` retitles the window). Machine formats (JSON, JSON lines) keep the exact
data; these helpers are for CSV cells and for what a person reads.
"""

from __future__ import annotations

import re
from typing import Any

# --- spreadsheet formulas (CSV injection) ------------------------------------------------------

#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
#: (OWASP's list, with the full-width forms some locales also accept).
FORMULA_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"
#: Leading characters a spreadsheet may skip before it looks for a formula sign; a cell that
#: starts with one of these is itself prefixed (OWASP names tab and carriage return).
LEADING_BLANKS = "\t\r\n "
#: The prefix OWASP recommends: a spreadsheet shows the cell as text and hides the quote.
TEXT_PREFIX = "'"


def _starts_like_formula(text: str) -> bool:
    # Leading quotes are looked through, so that neutralising can be undone (see restore_cell).
    text = text.lstrip(TEXT_PREFIX)
    if not text:
        return False
    if text[0] in FORMULA_SIGNS or text[0] in "\t\r\n":
        return True
    stripped = text.lstrip(LEADING_BLANKS)
    return bool(stripped) and stripped[0] in FORMULA_SIGNS


def neutralise_cell(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula: ``'`` before one that starts like one."""
    return TEXT_PREFIX + text if _starts_like_formula(text) else text


def restore_cell(text: str) -> str:
    """The text a neutralised cell stood for (``neutralise_cell`` undone), for tools reading our CSV."""
    if text.startswith(TEXT_PREFIX) and _starts_like_formula(text[len(TEXT_PREFIX) :]):
        return text[len(TEXT_PREFIX) :]
    return text


def csv_cell(value: Any) -> Any:
    """A value for a CSV writer: text is neutralised; numbers (a Goldstein value of -4.0) are data."""
    return neutralise_cell(value) if isinstance(value, str) else value


# --- terminals ---------------------------------------------------------------------------------

#: What a terminal may act on: C0 controls (ESC, BEL, tab, line breaks ...), DEL, C1 controls
#: (U+0080-U+009F, CSI among them), the Unicode line and paragraph separators, and the bidi
#: embedding, override and isolate controls that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` with every control character shown as a visible escape (ESC as ``\\x1b``).

    Escaping the ESC of an escape sequence leaves the rest of it as plain characters, which the
    terminal prints rather than obeys. The result is one line: line breaks are escaped too, as
    table rows and message lines put their own.
    """
    return _CONTROL.sub(_visible, text)
