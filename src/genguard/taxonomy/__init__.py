"""The shared risk taxonomy: TC260-003 Appendix A plus genguard's security class.

Every other part of genguard speaks these codes. The data lives in ``data/taxonomy.yaml``;
this module only loads and indexes it.
"""

from genguard.taxonomy.model import Category, RiskClass, Taxonomy, get_taxonomy

__all__ = ["Category", "RiskClass", "Taxonomy", "get_taxonomy"]
