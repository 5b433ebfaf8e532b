"""Notifications' commands as JSON Schema (checked with servicekit.validation.check_body
by the domain; exported for the gateway's documentation and request checks)."""
from typing import Any

from services.servicekit.regions import CODE_PATTERN

CHANNELS = ("email", "sms", "whatsapp")
Schema = dict[str, Any]


def _closed(properties: Schema, required: tuple[str, ...]) -> Schema:
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": list(required)}


# HARGA by SMS (the SMS inbox, subscribe_price_alerts): the region's price alerts to an address.
SUBSCRIBE_PRICE_ALERTS = _closed({
    "region_code": {"type": "string", "maxLength": 5, "pattern": CODE_PATTERN.pattern,
                    "x-code": "bad_region_code", "x-error": "must be a region code like 36.71"},
    "channel": {"type": "string", "enum": list(CHANNELS)},
    "address": {"type": "string", "maxLength": 254}}, ("region_code", "channel", "address"))
# The signed link in every e-mail (opt_out): that address gets no more messages.
OPT_OUT = _closed({"token": {"type": "string", "maxLength": 600}}, ("token",))
# STOP by SMS (opt_out_phone): no more SMS or WhatsApp to that number.
OPT_OUT_PHONE = _closed({"number": {"type": "string", "maxLength": 40}}, ("number",))
