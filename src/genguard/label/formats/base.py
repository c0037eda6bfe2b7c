"""The interface every implicit-label file format implements, and shared file helpers.

A handler knows three things about its format: where the ``AIGC`` JSON lives (read/write,
always replacing so a file carries exactly one label), and what the file's *content* is
once the label is taken away (``content_digest``), so a signature can cover the content
without covering its own label slot.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from genguard.errors import InputError


@dataclass(frozen=True)
class LegacyDigest:
    """A content digest an earlier genguard release computed (and signed) for this file.

    Files labelled before a digest was changed must not turn into "tampered" overnight, but the
    verdict has to say what the old digest covered; ``complete`` is False when it left out
    content the current digest covers, so such a file can only be "unverified".
    """

    digest: str
    covered: str
    complete: bool


class FormatHandler(ABC):
    name: str = ""
    extensions: tuple[str, ...] = ()
    description: str = ""

    def check(self, path: Path) -> None:
        """Raise InputError unless ``path`` is an existing file whose bytes look like this format."""
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        with path.open("rb") as fh:
            head = fh.read(16)
        if not self.sniff(head):
            raise InputError(f"{path}: extension says {self.name.upper()} but the content is not a {self.name.upper()} file")

    def sniff(self, head: bytes) -> bool:
        return True

    @abstractmethod
    def read_raw(self, path: Path) -> str | None:
        """The AIGC JSON text stored in the file, or None when the file carries no label."""

    @abstractmethod
    def write_raw(self, path: Path, json_text: str) -> None:
        """Store ``json_text`` as the file's only AIGC label (replacing any existing one)."""

    @abstractmethod
    def content_digest(self, path: Path) -> str:
        """SHA-256 (hex) of the file's content with the label slot removed, computed canonically."""

    def legacy_digests(self, path: Path) -> list[LegacyDigest]:
        """Digests earlier releases signed for this format (only formats whose digest changed)."""
        return []


def sha256_parts(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.hexdigest()


def write_target(path: Path) -> Path:
    """The file a write to ``path`` must replace: the end of its symlink chain, if any.

    Replacing ``path`` itself would turn a symlink into a regular file and leave the file it
    points to unlabelled.
    """
    return Path(os.path.realpath(path)) if path.is_symlink() else path


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path``'s target that replaces the target only if the block succeeds.

    Symlinks are followed (the file they point to is replaced, the link stays a link), and the
    target keeps its permission bits.
    """
    target = write_target(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        mode = target.stat().st_mode & 0o777 if target.exists() else None
        if mode is not None:
            os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def c2pa_refusal(path: Path) -> InputError:
    """The error for a file whose C2PA manifest a new label would invalidate (never done silently)."""
    return InputError(
        f"{path}: carries a C2PA manifest whose hash covers the file's bytes; adding the AIGC label would "
        "invalidate it, so the file was left unchanged. Label the original first, then C2PA-sign it "
        "(genguard label add, then genguard label c2pa-sign) / 文件已含 C2PA 清单，写入 AIGC 标识会使其哈希失效，"
        "文件未改动；请先添加标识，再进行 C2PA 签名"
    )


def corrupted(path: Path, fmt: str, exc: BaseException) -> InputError:
    detail = str(exc).strip() or type(exc).__name__
    return InputError(f"{path}: not a readable {fmt} file (corrupted or truncated?): {detail}")


def check_pillow(path: Path, fmt: str) -> None:
    """Pillow opens the file as ``fmt`` ("PNG", "JPEG") and decodes it: before labelling, and the
    written result, so a label is never put on (or leaves behind) an image nothing can show."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.format != fmt:
                raise InputError(f"{path}: Pillow reads it as {im.format}, not {fmt}")
            im.load()
    except InputError:
        raise
    except Exception as exc:
        raise corrupted(path, fmt, exc) from None
