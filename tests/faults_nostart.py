"""A per-document function whose module cannot be imported: the worker exits before it is ready."""

import os

os._exit(3)


def extract() -> None:  # never reached
    raise AssertionError
