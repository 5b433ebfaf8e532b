"""Who is asking: bearer tokens (auth), accounts, page sessions and their flash notices,
sign-in and its limits, the gateway's own authority table, and the officer console's base."""
