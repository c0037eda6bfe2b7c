"""The guarded OpenAI-compatible gateway: moderation API, chat proxy, audit log, keys and misuse ladder.

``create_app(config)`` builds one FastAPI app; ``genguard serve`` runs it under uvicorn. Other
modules mount their routes on it through :func:`genguard.service.discover_routers`.
"""

from genguard.gateway.config import GatewayConfig, load_config

__all__ = ["GatewayConfig", "create_app", "load_config"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from genguard.gateway.app import create_app

        return create_app
    raise AttributeError(name)
