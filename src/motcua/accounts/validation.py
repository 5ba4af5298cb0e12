"""Every applicant error at once, by the dossier's own rules.

``dossiers.applicants.clean_applicant`` is the one authority on identity numbers, tax codes,
phones and e-mails, but it stops at the first bad field. A form must show every error next
to its field, so this asks it again with each faulty value replaced by a harmless one until
nothing more is wrong.
"""

from motcua.core.errors import DomainError
from motcua.dossiers.applicants import Applicant, clean_applicant
from motcua.dossiers.models import ApplicantType

# Values that pass the checks, put in place of a faulty one to find the next error.
_HARMLESS = {
    "type": ApplicantType.CITIZEN,
    "name": "-",
    "phone": "",
    "email": "",
    "representative_id_number": "",
}


def applicant_errors(data: dict) -> tuple[Applicant | None, dict[str, str]]:
    """(the cleaned applicant, {}) or (None, {field: message}) with field names without the
    ``applicant.`` prefix (``id_number``, ``phone``…)."""
    trial = dict(data)
    errors: dict[str, str] = {}
    for _ in range(len(_HARMLESS) + 2):
        try:
            applicant = clean_applicant(trial)
        except DomainError as e:
            name = (e.field or "name").removeprefix("applicant.")
            if name in errors:  # no harmless value cures it: stop rather than loop
                break
            errors[name] = e.message
            trial[name] = _harmless(name, trial)
            continue
        return (None, errors) if errors else (applicant, {})
    return None, errors


def _harmless(name: str, trial: dict) -> str:
    if name == "id_number":
        return "0100000000" if trial.get("type") == ApplicantType.ORGANIZATION else "0" * 12
    return _HARMLESS.get(name, "")
