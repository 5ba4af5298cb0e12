"""Rule sets by date of receipt: a dossier keeps the rules in force when it was received.

The 2025 reform replaced NĐ 61/2018 by NĐ 118/2025 from 01/07/2025, and the TT 01/2018 forms
by the TT 03/2025 forms from 15/09/2025 (domain.md §0.2, R-FORM-1).
"""

from dataclasses import dataclass
from datetime import date, datetime

from motcua.workdays.calendar import local


@dataclass(frozen=True)
class RuleSet:
    code: str
    since: date
    decree: str
    forms: str  # "TT01_2018" | "TT03_2025"


RULE_SETS = [
    RuleSet("ND61", date(2018, 6, 21), "Nghị định số 61/2018/NĐ-CP", "TT01_2018"),
    RuleSet("ND118", date(2025, 7, 1), "Nghị định số 118/2025/NĐ-CP", "TT01_2018"),
    RuleSet("ND118_TT03", date(2025, 9, 15), "Nghị định số 118/2025/NĐ-CP", "TT03_2025"),
]
BY_CODE = {r.code: r for r in RULE_SETS}


def rule_set_at(moment: datetime) -> RuleSet:
    day = local(moment).date()
    current = RULE_SETS[0]
    for rule in RULE_SETS:
        if day >= rule.since:
            current = rule
    return current
