"""The errors every SPBE service raises; `message` is for the person, in their language."""

from __future__ import annotations


class ActionError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleVersionError(ActionError):
    pass
