"""The one error type users see: bad input, named by file and problem."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user's files or arguments.

    The CLI prints ``str(error)`` as one line and exits with status 2; the
    tool registry returns it as an error result. It never carries a traceback
    to the user.

    Args:
        source: the file (or argument, or tool field) at fault.
        problem: what is wrong with it, in a few words.
    """

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = " ".join(problem.split())
        super().__init__(f"{source}: {self.problem}")
