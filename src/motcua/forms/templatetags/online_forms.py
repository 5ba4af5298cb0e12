"""Turning a form definition, the submitted values and their errors into rows the
``forms/_fields.html`` include can print without logic: ids, described-by lists, the value
to show again, checked options, the sentence explaining a condition."""

from django import template

from motcua.forms.models import FieldType, Prefill
from motcua.forms.validation import getlist, parse_date

register = template.Library()

AUTOCOMPLETE = {
    Prefill.NAME: "name",
    Prefill.PHONE: "tel",
    Prefill.EMAIL: "email",
    Prefill.ADDRESS: "street-address",
}
# (input type, inputmode): browsers' own checks are not used, so that every message is
# the server's Vietnamese one, printed next to the field.
INPUTS = {
    FieldType.TEXT: ("text", ""),
    FieldType.NUMBER: ("text", "decimal"),
    FieldType.DATE: ("date", ""),
    FieldType.EMAIL: ("text", "email"),
    FieldType.PHONE: ("tel", "tel"),
    FieldType.ID_NUMBER: ("text", "numeric"),
    FieldType.TAX_CODE: ("text", ""),
}
PLACEHOLDERS = {FieldType.DATE: "ngày/tháng/năm", FieldType.ID_NUMBER: "12 chữ số"}


def _last(values, key: str) -> str:
    found = getlist(values, key)
    return str(found[-1]) if found else ""


def condition_text(item, fields: dict, verb: str) -> str:
    controller = fields.get(item.show_if_field)
    if controller is None:
        return ""
    if item.show_if_value:
        return f"Chỉ cần {verb} khi «{controller.label}» là «{item.show_if_value}»."
    if controller.type == FieldType.CHECKBOX and not controller.options:
        return f"Chỉ cần {verb} khi đã đánh dấu «{controller.label}»."
    return f"Chỉ cần {verb} khi đã điền «{controller.label}»."


def copies_text(doc) -> str:
    """What the counter would ask for on paper: «1 bản chính», «1 bản chính, 2 bản sao»."""
    parts = [f"{doc.originals} bản chính" if doc.originals else "",
             f"{doc.copies} bản sao" if doc.copies else ""]  # fmt: skip
    return ", ".join(p for p in parts if p)


def _describedby(*ids: str) -> str:
    return " ".join(i for i in ids if i)


def _widget(field) -> str:
    if field.type == FieldType.TEXTAREA:
        return "textarea"
    if field.type == FieldType.SELECT:
        return "select"
    if field.type == FieldType.RADIO:
        return "radio"
    if field.type == FieldType.CHECKBOX:
        return "checkboxes" if field.multiple else "checkbox"
    return "input"


def field_row(field, fields: dict, values, errors: dict) -> dict:
    base = f"bm-{field.key}"
    widget = _widget(field)
    row = {
        "key": field.key,
        "id": base,
        "label": field.label,
        "widget": widget,
        "group": widget in ("radio", "checkboxes"),
        "required": field.required,
        "help": field.help_text,
        "help_id": f"{base}-huongdan" if field.help_text else "",
        "error": errors.get(field.key, ""),
        "error_id": f"{base}-loi" if errors.get(field.key) else "",
        "condition": condition_text(field, fields, "điền"),
        "condition_id": f"{base}-dieukien" if field.show_if_field else "",
        "show_if": field.show_if_field,
        "show_if_value": field.show_if_value,
        "autocomplete": AUTOCOMPLETE.get(field.prefill, ""),
        "placeholder": PLACEHOLDERS.get(field.type, ""),
    }
    row["describedby"] = _describedby(row["condition_id"], row["help_id"], row["error_id"])
    input_type, inputmode = INPUTS.get(field.type, ("text", ""))
    value = _last(values, field.key)
    if field.type == FieldType.DATE and value:
        parsed = parse_date(value)
        if parsed is None:
            input_type = "text"  # keep what was typed, even if no date picker can show it
        else:
            value = parsed.isoformat()
    row.update(input_type=input_type, inputmode=inputmode, value=value)
    if widget == "checkbox":
        row["checked"] = bool(value) and value.strip().lower() not in ("0", "false", "off")
    chosen = {str(v).strip().casefold() for v in getlist(values, field.key)}
    row["options"] = [
        {"value": o, "id": f"{base}-{n}", "checked": o.casefold() in chosen}
        for n, o in enumerate(field.options, start=1)
    ]
    row["focus_id"] = row["options"][0]["id"] if row["group"] and row["options"] else base
    return row


def attachment_row(attachment, fields: dict, values, errors: dict, stored: dict) -> dict:
    base = f"bm-{attachment.key}"
    doc = attachment.document
    chosen = {str(v) for v in getlist(values, attachment.ref_key)}
    existing = [
        {**item, "id": f"{base}-co-san-{n}", "checked": str(item["ref"]) in chosen}
        for n, item in enumerate(stored.get(attachment.key, []), start=1)
        if attachment.accept_reuse or not item.get("reused")
    ]
    row = {
        "key": attachment.key,
        "ref_key": attachment.ref_key,
        "id": base,
        "focus_id": base,
        "label": attachment.label,
        "required": attachment.required,
        "accept_reuse": attachment.accept_reuse,
        "note": doc.note,
        "copies": copies_text(doc),
        "existing": existing,
        "error": errors.get(attachment.key, ""),
        "error_id": f"{base}-loi" if errors.get(attachment.key) else "",
        "help_id": f"{base}-huongdan",
        "condition": condition_text(attachment, fields, "đính kèm"),
        "condition_id": f"{base}-dieukien" if attachment.show_if_field else "",
        "show_if": attachment.show_if_field,
        "show_if_value": attachment.show_if_value,
    }
    row["describedby"] = _describedby(row["condition_id"], row["help_id"], row["error_id"])
    return row


def _summary_text(label: str, error: str) -> str:
    """The error as listed at the top: with the field's name unless the message has it."""
    return error if f"«{label}»" in error else f"{label}: {error}"


@register.simple_tag
def form_rows(definition, values=None, errors=None, stored=None) -> dict:
    """Rows for ``forms/_fields.html``.

    ``stored`` optionally offers existing files per attachment key: a list of
    ``{"ref": ..., "name": ..., "reused": bool}`` — files from the applicant's repository
    (``reused``: shown only where the form accepts reuse) or already uploaded in an earlier
    attempt, so a validation error does not make anyone upload again."""
    values = values if values is not None else {}
    errors = errors or {}
    fields = {f.key: f for f in definition.all_fields}
    rows = [field_row(f, fields, values, errors) for f in definition.all_fields]
    attachments = [
        attachment_row(a, fields, values, errors, stored or {})
        for a in definition.all_attachments
        if a.offered
    ]
    summary = [
        {"target": r["focus_id"], "text": _summary_text(r["label"], r["error"])}
        for r in rows + attachments
        if r["error"]
    ]
    return {"fields": rows, "attachments": attachments, "summary": summary}
