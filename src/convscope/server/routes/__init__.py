"""The HTTP routes, one module per concept, each mirroring its schema module in ``server/schemas``."""
