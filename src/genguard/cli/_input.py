"""Validation shared by every command that takes text from the user (argument or JSONL field)."""

from __future__ import annotations

from genguard.errors import InputError


def require_utf8(text: str, what: str = "TEXT argument", *, decoded: bool = True) -> str:
    """``text`` unchanged if it is valid Unicode, else an :class:`InputError` saying where it is not.

    Python hands over command-line bytes that are not UTF-8 (a GBK terminal, say) as lone
    surrogates (U+DC80..U+DCFF, "surrogateescape"), and JSON can spell any lone surrogate as an
    escape. Neither is text: the detectors would see nothing they know and allow it, and writing
    the result as UTF-8 would fail, so such input is refused up front. ``decoded=False`` for text
    that was already strictly decoded (a JSON string), whose surrogates cannot be stray bytes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        if decoded and 0xDC80 <= code <= 0xDCFF:
            raise InputError(
                f"{what} is not valid UTF-8: undecodable byte 0x{code - 0xDC00:02X} at character {exc.start + 1}; "
                "is it in another encoding (e.g. GBK)? convert it to UTF-8 (iconv -f GBK -t UTF-8)"
            ) from None
        raise InputError(
            f"{what} is not valid Unicode: lone surrogate U+{code:04X} at character {exc.start + 1}"
        ) from None
    return text
