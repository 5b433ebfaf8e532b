"""What every pencaker command's input goes through after its schema (commands.py):
free text stays plain text, optional text left blank means "not given", contacts
give a phone or an e-mail. The schema has said the shape; these say what it cannot.
Problems are collected and refused together, each field named with its code."""
from typing import Any

from services.servicekit.errors import ValidationFailed, problem
from services.servicekit.validation import HTML_TAG, check_body, check_email, check_phone, field_name

Problems = dict[str, dict[str, Any]]


def checked(schema: dict[str, Any], body: Any) -> dict[str, Any]:
    """`body` as `schema` says, with no markup in any of its text; else one refusal."""
    if not isinstance(body, dict):
        raise ValidationFailed.field("body", "must be a JSON object", code="wrong_type", expected="object")
    check_body(schema, body)
    found: Problems = {}
    _markup(body, [], found)
    refuse(found)
    return body


def _markup(value: Any, path: list[Any], found: Problems) -> None:
    # Citizens' and employers' free text is plain text: markup is refused, not silently
    # removed, so what they see later is exactly what they sent.
    if isinstance(value, str) and HTML_TAG.search(value):
        found.setdefault(field_name(path), problem("markup", "must be plain text without HTML tags"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _markup(item, [*path, key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _markup(item, [*path, index], found)


def refuse(found: Problems) -> None:
    if found:
        raise ValidationFailed.of(found)


def plain(value: str | None) -> str | None:
    """Text as stored: stripped; blank is not given (None)."""
    return (value.strip() or None) if isinstance(value, str) else None


def contact(block: dict[str, Any], found: Problems) -> dict[str, str]:
    """{phone?, email?, address?} cleaned; one of phone or e-mail is required."""
    result: dict[str, str] = {}
    for key, check in (("phone", check_phone), ("email", check_email)):
        if plain(block.get(key)):
            try:
                result[key] = check(block[key], f"contact.{key}")
            except ValidationFailed as exc:
                found.update(exc.details["fields"])
    if not result and not any(name.startswith("contact.") for name in found):
        found["contact"] = problem("phone_or_email", "give a phone or an e-mail")
    address = plain(block.get("address"))
    if address:
        result["address"] = address
    return result


def words(values: list[str] | None, lower: bool = False) -> list[str]:
    """Each value with its whitespace collapsed, once (compared without case)."""
    kept: list[str] = []
    for value in values or []:
        value = " ".join(value.split())
        value = value.lower() if lower else value
        if value and value.lower() not in (k.lower() for k in kept):
            kept.append(value)
    return kept
