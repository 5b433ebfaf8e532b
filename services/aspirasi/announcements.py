"""The events a ticket announces: every one names the ticket, its category and OPD."""
from services.servicekit.envelope import new_event


def ticket_event(event_type, ticket, **payload):
    return new_event(event_type, "aspirasi", ticket["region"], {
        "number": ticket["_id"], "category": ticket["category"], "opd": ticket["opd"], **payload})
