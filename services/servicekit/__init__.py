"""The kit every Tangerang Live service is built from.

Small and boring on purpose: configuration, the MongoDB dependency, the event
envelope and its contracts, the outbox, idempotent handling, metrics, regions,
typed errors and health checks. Services import from the submodules directly.
"""
