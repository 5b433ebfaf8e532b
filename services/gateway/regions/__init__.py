"""Regions and the platform over HTTP: the regions API and chooser, the platform API (tokens,
accounts, OpenAPI, partners), and the wilayah and platform consoles."""
