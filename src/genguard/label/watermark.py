"""Generation-time text watermark (KGW green list) through transformers' own implementation.

transformers ships the Kirchenbauer et al. watermark: ``WatermarkingConfig`` makes
``generate`` add ``WatermarkLogitsProcessor`` (a bias towards a pseudo-random "green" part of
the vocabulary seeded by the previous token and a hashing key) and ``WatermarkDetector``
counts green tokens and returns a z-score and p-value. genguard adds what a deployment
needs around it: the hashing key derived from a secret kept under ``$GENGUARD_HOME/keys``
(so only the key holder can generate or detect), consistent settings for generator and
detector, and text-level detection. torch/transformers are the optional ``ml`` extra and
are imported inside functions.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genguard.errors import ConfigError, InputError

SECRET_NAME = "watermark.secret"
DEFAULT_GREENLIST_RATIO = 0.25
DEFAULT_BIAS = 2.0
DEFAULT_Z_THRESHOLD = 4.0


def _require_ml() -> None:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        raise ConfigError("text watermarking needs the 'ml' extra: pip install 'genguard[ml]'") from None


def secret_path() -> Path:
    from genguard.label.keys import keys_dir

    return keys_dir() / SECRET_NAME


def create_secret(path: Path | None = None, *, overwrite: bool = False) -> Path:
    """Write a new watermark secret (mode 0600); an existing one is kept unless ``overwrite``, then backed up."""
    return create_secret_with_backup(path, overwrite=overwrite)[0]


def create_secret_with_backup(path: Path | None = None, *, overwrite: bool = False) -> tuple[Path, Path | None]:
    """As :func:`create_secret`, also returning where the replaced secret was moved (None if there was none)."""
    from genguard.label.keys import backup_existing

    path = path or secret_path()
    if path.exists() and not overwrite:
        raise InputError(f"{path}: a watermark secret already exists (use --force to replace it; the old one is kept as a .bak file)")
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = backup_existing(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return path, backup


def load_secret(path: Path | None = None) -> bytes:
    """The watermark secret: ``$GENGUARD_WATERMARK_SECRET``, the given file, or the one under $GENGUARD_HOME."""
    env = os.environ.get("GENGUARD_WATERMARK_SECRET")
    if env and path is None:
        return env.encode("utf-8")
    path = path or secret_path()
    if not path.is_file():
        raise ConfigError(f"{path}: no watermark secret; create one with `genguard label keygen --watermark`")
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ConfigError(f"{path}: watermark secret file is empty")
    return value.encode("utf-8")


def check_settings(
    greenlist_ratio: float, bias: float = DEFAULT_BIAS, z_threshold: float = DEFAULT_Z_THRESHOLD
) -> None:
    """Refuse settings the KGW scheme cannot use, before transformers fails on them with a traceback.

    The green list is a fraction of the vocabulary (0 or 1 leaves one side empty and the z-score
    divides by zero); the bias is a logit boost (negative would make green tokens rarer); all must
    be finite numbers.
    """
    if not (math.isfinite(greenlist_ratio) and 0.0 < greenlist_ratio < 1.0):
        raise InputError(f"watermark: greenlist_ratio (--greenlist-ratio) must be between 0 and 1 exclusive, got {greenlist_ratio}")
    if not (math.isfinite(bias) and bias >= 0.0):
        raise InputError(f"watermark: bias (--bias) must be a finite number >= 0, got {bias}")
    if not math.isfinite(z_threshold):
        raise InputError(f"watermark: z_threshold (--z-threshold) must be a finite number, got {z_threshold}")


def hashing_key(secret: bytes | str) -> int:
    """The KGW hashing key for a secret: 48 bits of HMAC-SHA256 (a torch seed must fit in 64 bits)."""
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    mac = hmac.new(secret, b"genguard-kgw-hashing-key-v1", hashlib.sha256).digest()
    return int.from_bytes(mac[:6], "big") | 1


def watermarking_config(
    secret: bytes | str, *, greenlist_ratio: float = DEFAULT_GREENLIST_RATIO, bias: float = DEFAULT_BIAS
) -> Any:
    """A transformers ``WatermarkingConfig`` keyed by ``secret`` (pass it to ``model.generate``)."""
    check_settings(greenlist_ratio, bias)
    _require_ml()
    from transformers import WatermarkingConfig

    return WatermarkingConfig(
        greenlist_ratio=greenlist_ratio,
        bias=bias,
        hashing_key=hashing_key(secret),
        seeding_scheme="lefthash",
        context_width=1,
    )


@dataclass(frozen=True)
class WatermarkScore:
    z_score: float
    p_value: float
    num_tokens_scored: int
    green_fraction: float
    watermarked: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "z_score": round(self.z_score, 4),
            "p_value": self.p_value,
            "num_tokens_scored": self.num_tokens_scored,
            "green_fraction": round(self.green_fraction, 4),
            "watermarked": self.watermarked,
        }


def detect_ids(
    input_ids: Any,
    model_config: Any,
    secret: bytes | str,
    *,
    greenlist_ratio: float = DEFAULT_GREENLIST_RATIO,
    bias: float = DEFAULT_BIAS,
    z_threshold: float = DEFAULT_Z_THRESHOLD,
    ignore_repeated_ngrams: bool = True,
) -> list[WatermarkScore]:
    """Score a batch of token-id sequences (a 2-D tensor or list of equal-length lists).

    Repeated bigrams are counted once (``ignore_repeated_ngrams``), which keeps repetitive
    human text from inflating the z-score.
    """
    check_settings(greenlist_ratio, bias, z_threshold)
    _require_ml()
    import torch
    from transformers import WatermarkDetector

    ids: Any = input_ids if isinstance(input_ids, torch.Tensor) else torch.tensor(input_ids, dtype=torch.long)
    if ids.dim() == 1:
        ids = ids.unsqueeze(0)
    if ids.shape[-1] < 3:
        raise InputError("watermark detection needs at least 3 tokens of text")
    cfg = watermarking_config(secret, greenlist_ratio=greenlist_ratio, bias=bias)
    detector = WatermarkDetector(
        model_config=model_config, device="cpu", watermarking_config=cfg, ignore_repeated_ngrams=ignore_repeated_ngrams
    )
    out: Any = detector(ids, z_threshold=z_threshold, return_dict=True)
    return [
        WatermarkScore(float(z), float(p), int(n), float(g), bool(z >= z_threshold))
        for z, p, n, g in zip(out.z_score, out.p_value, out.num_tokens_scored, out.green_fraction, strict=True)
    ]


def detect_text(
    text: str,
    model_dir: Path | str,
    secret: bytes | str,
    *,
    greenlist_ratio: float = DEFAULT_GREENLIST_RATIO,
    bias: float = DEFAULT_BIAS,
    z_threshold: float = DEFAULT_Z_THRESHOLD,
) -> WatermarkScore:
    """Tokenise ``text`` with the generating model's tokenizer (local folder) and score it."""
    check_settings(greenlist_ratio, bias, z_threshold)
    _require_ml()
    from transformers import AutoConfig, AutoTokenizer

    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise InputError(f"{model_dir}: not a folder with the generating model's config and tokenizer")
    try:
        config = AutoConfig.from_pretrained(model_dir, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise InputError(f"{model_dir}: cannot load config/tokenizer locally: {exc}") from None
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) < 3:
        raise InputError("watermark detection needs at least 3 tokens of text")
    return detect_ids(
        [ids], config, secret, greenlist_ratio=greenlist_ratio, bias=bias, z_threshold=z_threshold
    )[0]


def generate(
    model: Any,
    prompt_ids: Any,
    secret: bytes | str | None,
    *,
    max_new_tokens: int = 200,
    greenlist_ratio: float = DEFAULT_GREENLIST_RATIO,
    bias: float = DEFAULT_BIAS,
    seed: int | None = None,
    **generate_kwargs: Any,
) -> Any:
    """Sample ``max_new_tokens`` new tokens (watermarked when ``secret`` is given); returns only the new ids."""
    _require_ml()
    import torch

    if seed is not None:
        torch.manual_seed(seed)
    kwargs: dict[str, Any] = {
        "do_sample": True,
        "max_new_tokens": max_new_tokens,
        "min_new_tokens": max_new_tokens,
        "pad_token_id": model.config.pad_token_id,
        "attention_mask": torch.ones_like(prompt_ids),
        **generate_kwargs,
    }
    if secret is not None:
        kwargs["watermarking_config"] = watermarking_config(secret, greenlist_ratio=greenlist_ratio, bias=bias)
    with torch.no_grad():
        out = model.generate(prompt_ids, **kwargs)
    return out[:, prompt_ids.shape[-1] :]
