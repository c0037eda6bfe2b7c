"""Wrap a Python callable (sync or async) taking the messages and returning the answer."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from genguard.assess.targets.base import Message, Target, TargetConfig
from genguard.errors import ConfigError, TargetError

ChatFn = Callable[[list[Message]], str | Awaitable[str]]


class CallableTarget(Target):
    def __init__(self, fn: ChatFn, config: TargetConfig | None = None) -> None:
        super().__init__(config or TargetConfig(type="callable", name=getattr(fn, "__name__", "callable")))
        self.fn = fn
        self._async = inspect.iscoroutinefunction(fn)

    @classmethod
    def from_config(cls, config: TargetConfig) -> CallableTarget:
        spec = config.callable or ""
        mod_name, _, attr = spec.partition(":")
        if not mod_name or not attr:
            raise ConfigError(f"callable target needs callable: 'module:function', got {spec!r}")
        try:
            fn = getattr(importlib.import_module(mod_name), attr)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"cannot load callable {spec!r}: {exc}") from None
        return cls(fn, config)

    async def chat(self, messages: list[Message]) -> str:
        msgs = self.with_system(messages)
        try:
            out: Any = await self.fn(msgs) if self._async else await asyncio.to_thread(self.fn, msgs)  # type: ignore[misc]
        except TargetError:
            raise
        except Exception as exc:
            raise TargetError(f"callable target {self.name} raised {type(exc).__name__}: {exc}") from None
        if not isinstance(out, str):
            raise TargetError(f"callable target {self.name} returned {type(out).__name__}, not str")
        return out
