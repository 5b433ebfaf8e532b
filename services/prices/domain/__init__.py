"""Prices' pure domain, one module per topic: callers import the module they use.

No nameko, no pymongo, no clock reads: callers pass `today`. Dates are ISO
strings (YYYY-MM-DD) everywhere outside parsing: they sort as dates and store
as-is. Prices are whole rupiah per the commodity's unit.
"""
