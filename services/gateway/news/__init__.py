"""Berita (news) over HTTP: the JSON API and feeds, the berita pages (and the notification
opt-out), the newsroom console, its request schemas and its live section."""
