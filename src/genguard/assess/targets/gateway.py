"""Assess a service as deployed: an OpenAI-compatible target pointed at a genguard gateway.

The gateway applies the guard on the way in and out, so the assessment measures the guarded
service rather than the bare model. ``base_url`` is the gateway root (``/v1`` is appended
when missing) and ``api_key``/``api_key_env`` its key.
"""

from __future__ import annotations

from genguard.assess.targets.base import TargetConfig, check_http_url
from genguard.assess.targets.openai_compat import OpenAICompatTarget


class GatewayTarget(OpenAICompatTarget):
    def __init__(self, config: TargetConfig) -> None:
        if config.base_url:  # checked as given, before /v1 is appended
            check_http_url(config.base_url, "gateway target base_url")
        base = config.base_url.rstrip("/")
        if base and not base.endswith("/v1"):
            base += "/v1"
        super().__init__(config.model_copy(update={"base_url": base, "api_key_env": config.api_key_env or "GENGUARD_GATEWAY_KEY"}))
