"""Platform administration, apart from the kit every service is built from:
which services make up the platform (service_index), partner regions on the
broker (partners: the management client, onboarding, shovels, subscriptions)
and the edge's uplink into the hub (uplink).
"""
