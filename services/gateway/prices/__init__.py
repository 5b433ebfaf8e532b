"""Harga (prices) over HTTP: the JSON API, the harga pages and charts, the prices console, its
request schemas and its live section."""
