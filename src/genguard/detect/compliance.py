"""The ``harmful_compliance`` detector: an answer that complies with a harmful request.

Why: the output detectors read the answer alone. An answer that carries out a harmful request
in everyday words ("first mix these two, then ...") holds no keyword and no hateful phrase, so
it passes them, although the exchange is exactly what a safety assessment counts as a failure
(TC260-003's should-refuse questions; garak's and PyRIT's scorers). Given the prompt
(``Guard.check_output(answer, prompt=...)``, the gateway's output checks, annotated SFT and
preference records), this detector asks the two questions an assessment asks:

1. Is the request harmful? In a guard, it is when the policy acts on the prompt as an input
   (refuses, blocks, or only flags it, as a monitoring policy does) for a content risk (an
   Appendix A code): the guard checks the prompt with its input detectors - keywords,
   ``harmful_intent``, ... - once per prompt (``Guard.prompt_findings``).
   Used on its own, the detector scores the prompt with its classifier models (``intent`` by
   default, with the default policy's ``harmful_intent`` floors).
2. Did the answer comply rather than refuse? The assessment's answer judge decides
   (:mod:`genguard.assess.judges`: ``learned``, the default, or the rule-based ``refusal``), so
   the guard and an assessment never disagree about what a refusal is.

A finding carries the request's taxonomy code (its most confident Appendix A finding: a keyword
risk code, or the intent model's class code A1.8, A2.9, A3.5, A4.7), spans the whole answer,
and scores P(harmful request) x P(compliance). An
answer that refuses, a harmless request, or a check without a prompt gives nothing.

Policy example::

    - type: harmful_compliance
      name: harmful_compliance
      directions: [output]
      threshold: 0.5
      config:
        models: [intent]                    # prompt classifiers when used outside a guard
        prompt_threshold: 0.69              # their minimum harm score
        language_thresholds: {en: 0.97}     # their floors by the prompt's language
        judge: learned                      # or: refusal (rules only, no scikit-learn)

The judge loads scikit-learn on first use (``learned``), so the core guard's start-up is not
affected unless a policy enables this detector.
"""

from __future__ import annotations

from typing import Any

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.detect.classifier.detector import ClassifierDetector
from genguard.errors import ConfigError
from genguard.findings import Direction, Finding

JUDGES = ("learned", "refusal")


@register_detector("harmful_compliance")
class HarmfulComplianceDetector(Detector):
    type_name = "harmful_compliance"
    reads_prompt_findings = True

    def __init__(
        self,
        name: str | None = None,
        models: list[str] | None = None,
        prompt_threshold: float = 0.69,
        language_thresholds: dict[str, float] | None = None,
        judge: str = "learned",
        window: int = 160,
    ) -> None:
        super().__init__(name)
        if judge not in JUDGES:
            raise ConfigError(f"detector {self.name!r} (harmful_compliance): judge must be one of {', '.join(JUDGES)}, "
                              f"not {judge!r}")
        if not 0.0 <= float(prompt_threshold) <= 1.0:
            raise ConfigError(f"detector {self.name!r} (harmful_compliance): prompt_threshold must lie in 0..1")
        self.prompt_threshold = float(prompt_threshold)
        self.judge_name = judge
        self._prompts = ClassifierDetector(
            name=f"{self.name}:prompt", models=list(models or ["intent"]), min_score=self.prompt_threshold,
            window=window, language_thresholds={"en": 0.97} if language_thresholds is None else language_thresholds,
        )
        self._judge: Any = None

    def categories(self) -> set[str]:
        return self._prompts.categories()

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "models": [m.name for m in self._prompts.models], "judge": self.judge_name}

    def warm_up(self) -> None:
        self._classify("Warm-up answer: first do this, then that.")  # loads the judge (scikit-learn)

    def _classify(self, answer: str) -> tuple[str, float]:
        """(refusal label, score) from the configured judge; when the label is compliance, the
        score is the probability that the answer complies (the rule judge: its confidence)."""
        if self._judge is None:
            if self.judge_name == "learned":
                from genguard.assess.judges.learned import LearnedJudge

                self._judge = LearnedJudge().classify
            else:
                from genguard.assess.judges.refusal import RefusalJudge

                rules = RefusalJudge()
                self._judge = lambda text: rules.classify(text)[:2]
        label, p = self._judge(answer)
        return str(label), float(p)

    def detect(self, ctx: DetectContext) -> list[Finding]:
        prompt = ctx.prompt
        if ctx.direction != Direction.OUTPUT or not prompt or not prompt.strip() or not ctx.text.strip():
            return []
        asked = ctx.prompt_findings
        if asked is None:  # outside a guard: the detector's own classifiers judge the prompt
            asked = self._prompts.detect(DetectContext(prompt, Direction.INPUT))
        asked = [f for f in asked if f.category.startswith("A")]  # content risks, not S-codes (PII, injection)
        if not asked:
            return []
        top = max(asked, key=lambda f: f.score)
        label, p = self._classify(ctx.text)
        if label != "compliance":
            return []
        return [Finding(
            category=top.category, detector=self.name, score=round(min(max(top.score * p, 0.0), 1.0), 4), start=0,
            end=len(ctx.text), evidence=ctx.text, entity="harmful_compliance",
            metadata={"prompt_score": top.score, "prompt_label": top.entity, "prompt_category": top.category,
                      "answer": label, "compliance_probability": round(p, 4), "judge": self.judge_name},
        )]
