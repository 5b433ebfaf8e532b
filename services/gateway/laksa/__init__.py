"""LAKSA (aspirasi) over HTTP: the JSON API with Open311, the lapor/lacak pages and report
photos, the LAKSA queue and kinerja consoles, its request schemas and its live section."""
