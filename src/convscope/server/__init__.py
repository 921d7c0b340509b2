"""The browser app's server: a FastAPI app with the JSON API under ``/api`` and the page at ``/``.

Examples
--------
>>> from convscope.server import ServerConfig, create_app
>>> create_app(ServerConfig(max_trace_values=10_000)).title
'convscope'
"""

from __future__ import annotations

from convscope.server.app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
