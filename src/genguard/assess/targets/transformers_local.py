"""A local Hugging Face transformers causal LM (optional extra ``genguard[ml]``).

torch/transformers are imported only when this target is built. Generation runs in a worker
thread (one at a time: a CPU model does not benefit from parallel calls) so the event loop
stays responsive.
"""

from __future__ import annotations

import asyncio
from typing import Any

from genguard.assess.targets.base import Message, Target, TargetConfig
from genguard.errors import ConfigError


class TransformersTarget(Target):
    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        if not config.path:
            raise ConfigError("transformers target needs path: a local model folder")
        try:
            import torch  # noqa: F401
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise ConfigError("the transformers target needs the ml extra: pip install 'genguard[ml]'") from None
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(config.path, local_files_only=True)
            self.model: Any = AutoModelForCausalLM.from_pretrained(config.path, local_files_only=True).to(config.device)  # type: ignore[arg-type]
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load model from {config.path}: {exc}") from None
        self.model.eval()
        self._lock = asyncio.Lock()

    def prompt_text(self, messages: list[Message]) -> str:
        msgs = self.with_system(messages)
        if getattr(self.tokenizer, "chat_template", None):
            return str(self.tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True))
        return "\n".join(f"{m['role']}: {m['content']}" for m in msgs) + "\nassistant:"

    def _generate(self, text: str) -> str:
        import torch

        enc = self.tokenizer(text, return_tensors="pt").to(self.config.device)
        with torch.no_grad():
            out = self.model.generate(
                **enc,
                max_new_tokens=self.config.max_tokens or 64,
                do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id or 0,
            )
        return str(self.tokenizer.decode(out[0][enc["input_ids"].shape[1]:], skip_special_tokens=True))

    async def chat(self, messages: list[Message]) -> str:
        async with self._lock:
            return await asyncio.to_thread(self._generate, self.prompt_text(messages))
