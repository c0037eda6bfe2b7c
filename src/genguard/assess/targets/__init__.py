"""Models under assessment. Every target turns a chat (list of messages) into an answer."""

from genguard.assess.targets.base import (
    Message,
    Target,
    TargetConfig,
    TargetUnreachable,
    build_target,
    load_target_config,
)

__all__ = ["Message", "Target", "TargetConfig", "TargetUnreachable", "build_target", "load_target_config"]
