"""Types of the compiled text fold (``_fold.c``)."""

def views(
    text: str, fold: object, literal: object, visible: object, table_size: int, /
) -> tuple[str, bytes, bytes, str, tuple[str, bytes] | None] | None: ...

def script_counts(text: str, limit: int, /) -> tuple[int, int]: ...
