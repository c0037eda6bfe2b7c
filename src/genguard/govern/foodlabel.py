"""The model "food label" (IMDA disclosure fields), filled from a YAML file plus evidence.

Fields follow the IMDA Model AI Governance Framework for GenAI: data used; training
infrastructure (with environmental impact); evaluation results; mitigations and safety
measures; risks and limitations; intended use; user-data protection. Text is bilingual. The
``public`` level hides regulator-only detail; completeness counts which fields have content.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from genguard.config_file import load_yaml_model
from genguard.govern.evidence import Evidence

Level = Literal["public", "regulator"]


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        return (self.zh or self.en) if lang == "zh" else (self.en or self.zh)

    @property
    def filled(self) -> bool:
        return bool(self.zh.strip() or self.en.strip())


class Infrastructure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hardware: str = ""
    gpu_hours: float | None = Field(default=None, ge=0)
    power_kw_per_gpu: float | None = Field(default=None, ge=0, description="average draw per GPU, kW")
    pue: float = Field(default=1.0, ge=1.0, description="data-centre power usage effectiveness")
    grid_kgco2_per_kwh: float | None = Field(default=None, ge=0)
    notes: Bilingual = Field(default_factory=Bilingual)

    def energy(self) -> dict[str, float] | None:
        """kWh = GPU-hours x kW per GPU x PUE; CO2 = kWh x grid intensity (user-supplied inputs)."""
        if self.gpu_hours is None or self.power_kw_per_gpu is None:
            return None
        kwh = self.gpu_hours * self.power_kw_per_gpu * self.pue
        out = {"kwh": round(kwh, 3)}
        if self.grid_kgco2_per_kwh is not None:
            out["tco2e"] = round(kwh * self.grid_kgco2_per_kwh / 1000, 3)
        return out


class FoodLabelInput(BaseModel):
    """What the provider writes by hand (YAML)."""

    model_config = ConfigDict(extra="forbid")
    model: str
    version: str = ""
    provider: str = ""
    intended_use: Bilingual = Field(default_factory=Bilingual)
    data_used: Bilingual = Field(default_factory=Bilingual)
    training_infrastructure: Infrastructure = Field(default_factory=Infrastructure)
    evaluation_results: Bilingual = Field(default_factory=Bilingual)
    mitigations: Bilingual = Field(default_factory=Bilingual)
    risks_and_limitations: Bilingual = Field(default_factory=Bilingual)
    user_data_protection: Bilingual = Field(default_factory=Bilingual)


FIELDS: list[tuple[str, str, str]] = [
    ("data_used", "使用的数据", "Data used"),
    ("training_infrastructure", "训练基础设施与环境影响", "Training infrastructure and environmental impact"),
    ("evaluation_results", "评估结果", "Evaluation results"),
    ("mitigations", "缓解与安全措施", "Mitigations and safety measures"),
    ("risks_and_limitations", "风险与局限", "Risks and limitations"),
    ("intended_use", "预期用途", "Intended use"),
    ("user_data_protection", "用户数据保护", "User-data protection"),
]
# evidence that fills or supports each field automatically
FIELD_EVIDENCE: dict[str, list[str]] = {
    "data_used": ["corpus.audits"],
    "evaluation_results": ["assess.latest"],
    # the detectors' own model cards describe the safety measures, not the provider's model
    "mitigations": ["guard.policy", "keywords.banks", "classifier.models", "answers.bank", "label.config"],
    "user_data_protection": ["guard.policy", "gateway.audit"],
}
REGULATOR_ONLY = {"training_infrastructure.hardware", "evidence.value"}


class FieldView(BaseModel):
    key: str
    title: str
    text: str
    evidence: list[Evidence]
    filled: bool


class FoodLabel(BaseModel):
    model: str
    version: str
    provider: str
    level: Level
    lang: str
    generated_at: datetime
    fields: list[FieldView]
    energy: dict[str, float] | None
    completeness: float = Field(description="share of the seven fields with content (text or evidence)")
    missing: list[str]


def load_input(path: Path) -> FoodLabelInput:
    return load_yaml_model(path, FoodLabelInput, "food-label file")


def _field_text(inp: FoodLabelInput, key: str, lang: str, level: Level) -> tuple[str, bool]:
    val: Any = getattr(inp, key)
    if isinstance(val, Bilingual):
        return val.get(lang), val.filled
    infra: Infrastructure = val
    parts = []
    if infra.hardware and level == "regulator":
        parts.append(infra.hardware)
    if infra.gpu_hours is not None:
        parts.append(f"{infra.gpu_hours:g} GPU-hours")
    if infra.notes.filled:
        parts.append(infra.notes.get(lang))
    return "; ".join(parts), bool(infra.hardware or infra.gpu_hours is not None or infra.notes.filled)


def build_food_label(inp: FoodLabelInput, evidence: dict[str, Evidence], *, level: Level = "public",
                     lang: str = "en") -> FoodLabel:
    fields: list[FieldView] = []
    missing: list[str] = []
    for key, zh, en in FIELDS:
        text, has_text = _field_text(inp, key, lang, level)
        evs = [evidence[k] for k in FIELD_EVIDENCE.get(key, []) if k in evidence]
        if level == "public":
            evs = [e.model_copy(update={"value": None}) for e in evs]
        filled = has_text or any(e.present for e in evs)
        if not filled:
            missing.append(key)
        fields.append(FieldView(key=key, title=zh if lang == "zh" else en, text=text, evidence=evs, filled=filled))
    return FoodLabel(
        model=inp.model, version=inp.version, provider=inp.provider, level=level, lang=lang,
        generated_at=datetime.now(UTC), fields=fields, energy=inp.training_infrastructure.energy(),
        completeness=round(sum(f.filled for f in fields) / len(fields), 4), missing=missing,
    )
