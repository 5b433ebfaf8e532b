"""Absolute addresses of the pages the gateway serves, for links that leave the
platform (feeds, Open311 media_url, sharing tags).

PUBLIC_BASE_URL is the address citizens reach the gateway at; it may name the
region's `{domain}` or `{code}` (e.g. https://live.{domain}). Default: the
region's own domain over https.
"""
import os
from typing import Any

DEFAULT = "https://{domain}"


def public_url(region: Any, path: str = "") -> str:
    base = os.environ.get("PUBLIC_BASE_URL") or DEFAULT
    return base.format(domain=region.domain or "localhost", code=region.code).rstrip("/") + path
