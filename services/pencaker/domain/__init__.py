"""Pencaker's pure domain, one module per topic; import the one you use
(`from services.pencaker.domain import vacancies`).

No nameko, no pymongo, no clock reads: callers pass `now` (aware UTC datetimes),
regions (servicekit Region objects) and region centroids.
"""
