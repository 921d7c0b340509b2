"""``convscope serve``: start the browser app on this machine and open it.

    convscope serve                       # http://127.0.0.1:8000/, opened in your browser
    convscope serve --port 0 --no-browser # any free port, printed; nothing opened
    convscope serve --mnist-dir ~/mnist   # your own MNIST IDX files instead of the bundled digits

The port is bound before the server starts, so a busy port is a one-line message (exit status 2) rather
than a traceback, and ``--port 0`` can print the port the system picked before the first request.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
import webbrowser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def add_parser(subparsers: Any) -> None:
    """Register ``serve`` on the top-level subparsers."""
    parser = subparsers.add_parser(
        "serve",
        help="open the browser app (convolution playground)",
        description="Start convscope's browser app and open it in your browser.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: "
                        "this machine only)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000; 0 picks "
                        "a free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the address, open no browser")
    parser.add_argument("--mnist-dir", type=Path, help="folder of MNIST IDX files (train-images-idx3-ubyte"
                        "[.gz], ...) to use instead of the bundled digits")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; a busy port or a bad ``--mnist-dir`` is a ValueError (exit status 2)."""
    import uvicorn  # late: `convscope size` should not pay for the web stack

    from convscope._runtime import one_blas_thread
    from convscope.server import ServerConfig, create_app

    one_blas_thread()  # the page's requests and a training job share 2 cores with no spinning threads
    config = ServerConfig(host=args.host, port=args.port, mnist_dir=args.mnist_dir)
    try:
        app = create_app(config)
    except OSError as err:  # a missing folder or file; format problems are ValueErrors already
        raise ValueError(f"--mnist-dir: {err}") from None
    with listen(config.host, config.port) as sock:
        url = address(config.host, sock.getsockname()[1])
        print(f"convscope is running at {url}  (Ctrl+C to stop)", flush=True)
        if config.host not in _LOOPBACK:
            print(f"note: --host {config.host} lets other machines on your network reach it", flush=True)
        if args.no_browser or not open_browser(url):
            print(f"Open {url} in your browser.", flush=True)
        server = uvicorn.Server(
            uvicorn.Config(app, host=config.host, port=config.port, log_level="warning", access_log=False)
        )
        server.run(sockets=[sock])
    return 0


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; a ValueError naming ``--port``/``--host`` if that fails."""
    try:
        family, kind, proto, _, where = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as err:
        raise ValueError(f"--host {host!r} is not an address of this machine ({err.strerror})") from None
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # lets a restarted server reuse a port in TIME_WAIT; never steals a live one
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(where)
        sock.listen(128)  # before the URL is printed, so early requests wait instead of failing
    except OSError as err:
        sock.close()
        raise ValueError(_bind_problem(host, port, err)) from None
    return sock


def _bind_problem(host: str, port: int, err: OSError) -> str:
    """Why ``host:port`` could not be bound, and which option to change."""
    if err.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another convscope?); choose another with --port, "
            f"e.g. --port {port + 1 if 0 < port < 65535 else 8001}, or --port 0 for any free port"
        )
    if err.errno == errno.EACCES:
        return f"not allowed to listen on port {port}; choose one above 1023 with --port"
    if err.errno == errno.EADDRNOTAVAIL:
        return f"--host {host} is not an address of this machine; try --host 127.0.0.1"
    return f"cannot listen on {host}:{port} ({err.strerror}); check --host and --port"


def address(host: str, port: int) -> str:
    """The URL a browser on this machine uses to reach ``host:port``."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def open_browser(
    url: str,
    opener: Callable[[str], bool] = webbrowser.open,
    environ: Mapping[str, str] = os.environ,
) -> bool:
    """Open ``url`` in a browser if there is one; False (never an exception) when there is none.

    On Linux without a display, Python's ``webbrowser`` would fall back to a text browser that takes
    over the terminal the server logs to, so we do not try.
    """
    if sys.platform.startswith("linux") and not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        return bool(opener(url))
    except (webbrowser.Error, OSError):
        return False


def _port(text: str) -> int:
    """argparse type for ``--port``: an integer 0..65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number 0..65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0..65535 (0 picks a free port), got {value}")
    return value
