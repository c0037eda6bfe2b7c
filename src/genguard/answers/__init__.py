"""Standard-answer bank (标准答案库): vetted answers for known sensitive or principle questions.

It runs first in the Guard (as a pre-check): a matching query gets its vetted answer at once,
which is also the emergency hot-fix route when a new risk appears online. Edit the bank file
and the running guard (and gateway) picks it up without a restart.
"""

from genguard.answers.bank import AnswerBank, Match
from genguard.answers.model import AnswerEntry

__all__ = ["AnswerBank", "AnswerEntry", "Match"]
