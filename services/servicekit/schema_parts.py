"""The two building blocks every command schema is written with (the domains' commands.py
and the gateway's schemas): bounded text and a closed object."""
from typing import Any

Schema = dict[str, Any]


def text(max_length: int, min_length: int = 0, **extra: Any) -> Schema:
    schema: Schema = {"type": "string", "maxLength": max_length, **extra}
    if min_length:
        schema["minLength"] = min_length
    return schema


def obj(properties: Schema, required: tuple[str, ...] = (), **extra: Any) -> Schema:
    """A closed object: unknown fields are refused by name."""
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False, **extra}
    if required:
        schema["required"] = list(required)
    return schema
