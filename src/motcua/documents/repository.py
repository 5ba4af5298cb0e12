"""The citizen's e-data repository (kho dữ liệu điện tử, R-DATA-1..2): what goes in, what a
new dossier may take back out.

Items go in when the state of the owner's dossier says the document is genuine: components
when the dossier is received, the e-result when it is resolved. Taking an item out never
copies the file: the new dossier's component points at the same stored file and is marked
``reused`` (DuocTaiSuDung), so the official sees where it came from.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from motcua.core.errors import Forbidden
from motcua.core.text import vn_fold

from .models import RepositoryItem, StoredFile

_WORDS = re.compile(r"\w+")


def items_for(user) -> QuerySet[RepositoryItem]:
    if not getattr(user, "is_authenticated", False):
        return RepositoryItem.objects.none()
    return RepositoryItem.objects.filter(owner=user).select_related("file")


def keep(owner, file: StoredFile, name: str, kind: str, dossier=None) -> RepositoryItem | None:
    """Put ``file`` in ``owner``'s repository once; the same file kept twice is one item."""
    if owner is None or file is None:
        return None
    found = RepositoryItem.objects.filter(owner=owner, file=file).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return RepositoryItem.objects.create(
                owner=owner,
                kind=kind,
                name=name[:500],
                search_name=vn_fold(name)[:500],
                file=file,
                dossier=dossier,
                source_code=(dossier.code or "") if dossier else "",
                procedure_name=dossier.version.name[:500] if dossier else "",
            )
    except IntegrityError:  # kept by a concurrent request a moment ago
        return RepositoryItem.objects.filter(owner=owner, file=file).first()


def keep_components(dossier) -> list[RepositoryItem]:
    """The accepted components of ``dossier`` that carry a file (reused ones are there)."""
    if dossier.owner_id is None:
        return []
    kept = []
    for c in dossier.components.filter(file__isnull=False, reused=False).select_related("file"):
        kept.append(keep(dossier.owner, c.file, c.name, RepositoryItem.Kind.COMPONENT, dossier))
    return kept


def keep_result(dossier) -> RepositoryItem | None:
    """The e-result issued for ``dossier`` (NĐ 45/2020 Điều 14: it has the paper's value)."""
    if dossier.owner_id is None or dossier.result_file_id is None:
        return None
    name = dossier.version.result_name or f"Kết quả giải quyết: {dossier.version.name}"
    return keep(dossier.owner, dossier.result_file, name, RepositoryItem.Kind.RESULT, dossier)


def take(user, item_id) -> RepositoryItem:
    """The item ``user`` asks to reuse, only from their own repository."""
    item = items_for(user).filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        raise Forbidden(
            "Giấy tờ không có trong kho dữ liệu của bạn.", code="not_in_repository", field="file"
        )
    return item


def suggestions(user, documents) -> dict[int, list[RepositoryItem]]:
    """For each required document, the owner's items that look like it, so the form can
    offer them first: one name contains the other, or most of their words are shared
    ("Giấy tờ tùy thân của người yêu cầu…" and "Giấy tờ tùy thân của người đi đăng ký…")."""
    items = list(items_for(user))
    found: dict[int, list[RepositoryItem]] = {}
    for doc in documents:
        wanted = vn_fold(doc.name)
        found[doc.pk] = [i for i in items if _alike(wanted, i.search_name)]
    return found


def _alike(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    wa, wb = set(_WORDS.findall(a)), set(_WORDS.findall(b))
    return len(wa & wb) >= 0.7 * min(len(wa), len(wb))
