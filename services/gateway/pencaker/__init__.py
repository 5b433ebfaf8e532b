"""Pencaker over HTTP: the JSON API, the loker and AK/1 pages, the Disnaker console, its request
schemas and its live section."""
