"""Errors shared by the pipeline stages."""

from __future__ import annotations


class InputError(Exception):
    """A document that cannot be read at all; `kind` is a short machine-readable tag."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
