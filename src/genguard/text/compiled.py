"""The optional compiled text kernels (``_fold.c``) and the switch that turns them off.

Why a module of its own: normalisation and language identification both use the extension, and
the tests flip one switch to compare the compiled path with the numpy path. ``setup.py`` builds
the extension where a C compiler exists; without it ``fold`` is None and the numpy paths serve
with the same results. ``GENGUARD_PURE_PYTHON=1`` turns it off (as it does the classifier
kernels).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import ModuleType

fold: ModuleType | None
try:
    from genguard.text import _fold as fold
except ImportError:
    fold = None


@dataclass
class CompiledFold:
    """Whether the text kernels are used now (``enabled``) and whether they were built."""

    enabled: bool

    @staticmethod
    def built() -> bool:
        return fold is not None

    def active(self) -> ModuleType | None:
        """The extension module when it is built and switched on, else None."""
        return fold if self.enabled else None


def pure_python_requested() -> bool:
    """``GENGUARD_PURE_PYTHON=1``: run every compiled kernel's Python/numpy path instead (the one
    place that reads the switch, for the text kernels and the classifier kernels alike)."""
    return os.environ.get("GENGUARD_PURE_PYTHON", "") not in ("", "0")


compiled_fold = CompiledFold(enabled=fold is not None and not pure_python_requested())
