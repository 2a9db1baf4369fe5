"""`python -m openapi_meta`."""

from openapi_meta.cli import _console_main

_console_main()
