"""Errors a person can act on.

A `UserError` ends a command with one line on stderr that names the problem and the fix;
the CLI turns it into a non-zero exit status instead of a traceback.
"""


class UserError(Exception):
    """A problem with the input, the environment or the configuration that a person can fix."""

    exit_code = 2

    def __init__(self, problem: str, fix: str = ""):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def line(self) -> str:
        text = " ".join(self.problem.split())
        if self.fix:
            text += " — fix: " + " ".join(self.fix.split())
        return text


class ConfigError(UserError):
    """The TOML configuration is unreadable or has a bad key or value."""
