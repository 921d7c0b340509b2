"""The ``convscope`` command line: one module per subcommand, each with ``add_parser`` and ``run``.

Bad input exits with status 2 and a one-line message that says what to change.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from convscope import __version__


def _commands() -> list[ModuleType]:
    # Imported lazily so `convscope size` does not pay for importing the web server.
    from convscope.cli import code, render, serve, size, train

    return [serve, size, train, render, code]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per command."""
    parser = argparse.ArgumentParser(
        prog="convscope", description="See convolution happen: playground, engine and tools."
    )
    parser.add_argument("--version", action="version", version=f"convscope {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _commands():
        module.add_parser(sub)
    return parser


# What a shell reports for a command killed by SIGPIPE (128 + 13), e.g. `yes | head -1`.
BROKEN_PIPE_STATUS = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
        sys.stdout.flush()  # here, not at exit: a reader that has gone (`| head -1`) is handled below
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE_STATUS
    except (ValueError, TypeError) as err:
        print(f"convscope {args.command}: error: {err}", file=sys.stderr)
        return 2
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail on the closed pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
