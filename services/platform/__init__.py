"""Platform administration, apart from the kit every service is built from:
which services make up the platform (service_index) and how one is run
(runner: `python -m services.platform.runner <name>`), partner regions on the
broker (partners: the management client, onboarding, shovels, subscriptions),
each service's broker permissions (broker_permissions) and the edge's uplink
into the hub (uplink).
"""
