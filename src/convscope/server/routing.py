"""The app's routes as one flat list, whatever routers they were declared in.

FastAPI keeps each included router behind a wrapper route (``original_router``); the 405 answer, the
request guard and the OpenAPI notes all need the real routes, so they walk the tree here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from starlette.routing import BaseRoute


def flat_routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (no router here has a prefix, so paths are as declared).

    Examples
    --------
    >>> from convscope.server import create_app
    >>> "/api/convolve" in {getattr(route, "path", "") for route in flat_routes(create_app().routes)}
    True
    """
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from flat_routes(included.routes)
        else:
            yield route
