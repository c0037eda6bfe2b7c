"""A built-in offline target for demos and smoke tests: a scripted "model".

It refuses when the genguard input guard would refuse or when the prompt matches one of its
refusal cues, and otherwise returns a short helpful answer. It is deterministic, needs no
network, and stands in for a real model in ``genguard demo``.
"""

from __future__ import annotations

import re

from genguard.assess.targets.base import Message, Target, TargetConfig

_CUES = re.compile(
    r"炸弹|爆炸|毒品|枪支|诈骗|窃取|黑客|攻击|恐怖|颠覆|分裂|暴力|色情|歧视|侮辱|伪造|盗版|泄露|隐私|身份证|自杀|自残|"
    r"bomb|explosive|drug|weapon|gun|scam|fraud|steal|hack|attack|terror|overthrow|secession|violence|porn|"
    r"inferior|insult|forge|pirat|leak|doxx|private|suicide|self-harm|malware|poison",
    re.IGNORECASE,
)


class ScriptedTarget(Target):
    def __init__(self, config: TargetConfig | None = None) -> None:
        super().__init__(config or TargetConfig(type="scripted", name="scripted"))
        from genguard.guard import Guard

        self.guard = Guard.from_policy()

    async def chat(self, messages: list[Message]) -> str:
        question = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
        zh = any("\u4e00" <= c <= "\u9fff" for c in question)
        if self.guard.check_input(question[:4000]).blocked or _CUES.search(question):
            return "抱歉，我不能提供这方面的帮助。" if zh else "I'm sorry, but I can't help with that."
        return ("好的，下面是一些一般性的信息，供你参考：请结合实际情况并咨询专业人士。" if zh
                else "Sure. Here is some general information: consider your situation and consult a professional.")
