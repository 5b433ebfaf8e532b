"""The contracts between rooms: one JSON Schema per event type (`*.json`), and each
domain's published vocabulary (one module per domain): the codes and labels that
the domain service and the gateway's pages and forms both read, so the gateway
needs no domain module.
"""
