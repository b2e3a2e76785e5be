"""The one typed error for problems a user can cause (bad files, bad options, unreachable services).

Caught at the edge: the CLI prints `origin: message` on stderr and exits 2; a page shows st.error.
Anything else is a bug and shows as one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """One rejected input or a warning about one, written for an analyst."""

    origin: str
    message: str
    severity: str = "error"  # "error" (rejected) or "warning" (loaded, with a caveat)

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


class NewsprismError(Exception):
    """A problem the user can fix, with the input it concerns."""

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.message = message

    def problem(self) -> InputProblem:
        return InputProblem(self.origin, self.message)
