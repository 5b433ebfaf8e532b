"""The contracts between rooms: one JSON Schema per event type (`*.json`), and each
domain's published vocabulary (one module per domain): the codes and labels that
the domain service and the gateway's pages and forms both read, so the gateway
needs no domain module.

An event whose payload feeds a live-view list documents that list's item next to
its payload (`x-live-item`), and the domain's module holds the one projection from
payload to item: the service answers its live RPC with it (projecting the payload
it publishes) and the gateway's section applies events with it, so they agree.
"""
