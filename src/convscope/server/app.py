"""The web app behind ``convscope serve``: the JSON API under ``/api`` and the page's files at ``/``.

Build it with `create_app`; every setting comes from a frozen `ServerConfig`, nothing from globals, so a
test can build as many differently configured apps as it likes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from convscope import __version__
from convscope._validate import check_int
from convscope.data import DigitSource
from convscope.lessons.playground import MAX_TRACE_VALUES
from convscope.lessons.timing import TimingCache
from convscope.server.errors import BodyLimit, CatchAll, install_error_handlers
from convscope.server.load import HeavySlots, document_busy
from convscope.server.routes.backprop import backprop_router
from convscope.server.routes.export import export_router
from convscope.server.routes.export_kt import export_kt_router
from convscope.server.routes.export_pages import export_pages_router
from convscope.server.routes.image_kernels import PREFIX as IMAGE_KERNELS_PREFIX
from convscope.server.routes.image_kernels import image_kernels_router
from convscope.server.routes.layers import layers_router
from convscope.server.routes.matrix import matrix_router
from convscope.server.routes.network import network_router
from convscope.server.routes.playground import playground_router
from convscope.server.routes.signals import signals_router
from convscope.server.routes.training import training_router
from convscope.server.schemas.common import ErrorResponse, HealthResponse
from convscope.server.security import RequestGuard, document_refusals
from convscope.server.state import NetworkState

STATIC_DIR = Path(__file__).parent / "static"

_DESCRIPTION = """\
The JSON API of convscope's browser app. Every 4xx answer carries `message`, one line naming the field
and what is allowed (e.g. `padding: must be <= 16 (got 40)`); 422 answers also keep pydantic's list of
errors in `detail`. Request bodies are limited to {limit:,} bytes ({kib} KiB); a larger one gets 413.
Answers that depend on the request alone are reused: `POST /api/convolve` keeps its last 64 encoded
answers (keyed by the validated request), and the digit and kernel GETs send an `ETag` (304 when
`If-None-Match` names it).

By design, for every route (so that only convscope's own page, the CLI and scripts can drive it):

- `400` when the `Host` header is not one of this server's names (127.0.0.1, localhost, [::1], the
  `--host` it was started with; any IP address when it listens on all of them): DNS rebinding.
- `400` when a body is not UTF-8 JSON text or nests hundreds of levels deep (`message` names `body`).
- `403` for a POST whose `Origin` is not this server's own (requests without `Origin` are allowed).
- `415` for a POST whose `Content-Type` is not `application/json`, even with an empty body.
- `405` (with `Allow`) for a method a route does not answer, OPTIONS included: there is no CORS.
- `422` for an integer written with a fraction or an exponent (`2.0`, `1e3`): JSON Schema counts 2.0 as
  an integer, but the server is strict about types (`2`, not `2.0`; `3`, not `"3"`).
- `503` with `Retry-After` from `POST /api/convolve` for a large trace (over {light:,} taps) when the
  server is already computing as many of them as it runs at once and this one waited its limit.
- `500` is never expected; it answers `message` and `detail`, and the server logs the traceback.
"""


@dataclass(frozen=True)
class ServerConfig:
    """How `create_app` builds the app and ``convscope serve`` runs it."""

    host: str = "127.0.0.1"  # loopback by default: a teaching tool, not a public service; requests must
    # name it, or a loopback name, in Host (see `convscope.server.security.allowed_hosts`)
    port: int = 8000  # 0 asks the operating system for a free port
    mnist_dir: Path | None = None  # standard MNIST IDX files to use instead of the bundled digits
    static_dir: Path = STATIC_DIR  # the browser app's files, served at /
    max_body_bytes: int = 256 * 1024  # request bodies beyond this get 413 (a 64x64 image is ~90 KB)
    max_trace_values: int = MAX_TRACE_VALUES  # refuse a convolution whose steps x kernel taps exceed this
    max_image_bytes: int = 20 * 1024 * 1024  # the image kernels page's uploads (a phone's JPEG is MBs)
    heavy_running: int = 2  # large traces computed at once (convscope.server.load.HeavySlots)
    heavy_wait: float = 5.0  # seconds a large trace waits for its turn before a 503 with Retry-After
    light_taps: int = 50_000  # traces up to this many taps never wait (the default digit has 2,916)

    def __post_init__(self) -> None:
        check_int(self.port, "port", minimum=0, maximum=65535)
        check_int(self.max_body_bytes, "max_body_bytes", minimum=1)
        check_int(self.max_trace_values, "max_trace_values", minimum=1)
        check_int(self.max_image_bytes, "max_image_bytes", minimum=1)
        check_int(self.heavy_running, "heavy_running", minimum=1)


def create_app(config: ServerConfig | None = None) -> FastAPI:
    """Build the convscope web app.

    Parameters
    ----------
    config : ServerConfig, optional
        Defaults to ``ServerConfig()``: the bundled MNIST digits and the packaged page.

    Returns
    -------
    FastAPI
        ``GET /api/health``, ``GET /api/digits/{number}``, ``GET /api/kernels``, ``POST /api/convolve``,
        the OpenAPI document at ``/openapi.json`` (browsable at ``/docs``) and the page at ``/``.

    Raises
    ------
    FileNotFoundError, ValueError
        If ``config.mnist_dir`` holds no usable MNIST IDX files.

    Examples
    --------
    >>> app = create_app()
    >>> paths = app.openapi()["paths"]
    >>> core = ("/api/health", "/api/digits/{number}", "/api/kernels", "/api/convolve")
    >>> [p for p in core if p not in paths]  # every core route is documented
    []
    >>> sorted(paths["/api/convolve"])  # the playground's one operation
    ['post']
    >>> all(p.startswith("/api/") for p in paths)  # the page and its files are not API operations
    True
    """
    config = config or ServerConfig()
    source = DigitSource.from_dir(config.mnist_dir)
    # FastAPIOffline serves Swagger UI and ReDoc from the installed package: nothing from a CDN, so
    # /docs works on a classroom machine with no internet.
    app = FastAPIOffline(
        static_url="/api/docs-assets",
        title="convscope",
        version=__version__,
        description=_DESCRIPTION.format(limit=config.max_body_bytes, kib=config.max_body_bytes // 1024,
                                        light=config.light_taps),
        responses={422: {"model": ErrorResponse, "description": "A field is missing, of the wrong type "
                         "or out of range; `message` says which and what is allowed."}},
    )
    install_error_handlers(app)
    # Added innermost first: CatchAll wraps everything, RequestGuard refuses before a body is read.
    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes,
                       larger={IMAGE_KERNELS_PREFIX + "/": config.max_image_bytes})
    app.add_middleware(RequestGuard, host=config.host)
    app.add_middleware(CatchAll)

    @app.get("/api/health", response_model=HealthResponse, tags=["meta"])
    def health() -> HealthResponse:
        """The server is up; which convscope it runs."""
        return HealthResponse(status="ok", version=__version__)

    slots = HeavySlots(config.heavy_running, config.heavy_wait, config.light_taps)
    app.include_router(playground_router(source, config.max_trace_values, slots))
    app.state.network = NetworkState()  # the pretrained LeNet, the active model, the training job
    app.include_router(network_router(source))
    app.include_router(training_router())
    app.include_router(backprop_router(source))
    app.include_router(signals_router())
    app.include_router(layers_router(source))
    app.include_router(matrix_router(source, TimingCache()))  # the timing sweep: once per app, when asked
    app.include_router(export_router(source))
    app.include_router(export_kt_router(source))  # after export_router: its network/png is matched first
    app.include_router(export_pages_router(source))
    app.include_router(image_kernels_router())
    document_refusals(app.routes)
    document_busy(app.routes)
    _mount_static(app, config.static_dir)
    return app


def _mount_static(app: FastAPI, directory: Path) -> None:
    """Serve the page's files at / (index.html for /); say so plainly if they are missing."""
    if directory.is_dir():
        # StaticFiles resolves every path and refuses anything outside `directory` (no traversal). It is
        # the router's fallback rather than a mount at /: a mount matches every path, so a route's wrong
        # method (GET or OPTIONS on a POST route) reached the files (404, or 405 "Allow: GET, HEAD")
        # instead of the route's own 405 with its Allow header.
        app.router.default = StaticFiles(directory=directory, html=True)
        return

    @app.get("/", include_in_schema=False)
    def missing_page() -> PlainTextResponse:
        return PlainTextResponse(f"convscope: the browser app's files are missing ({directory})", 503)
