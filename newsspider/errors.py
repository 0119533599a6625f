"""Named errors of the library; the CLI maps each to a message and an exit status."""

from __future__ import annotations


class NewsspiderError(Exception):
    """Base class: every error the CLI reports without a traceback."""

    exit_status = 1


class ConfigError(NewsspiderError):
    """A configuration file or site definition is invalid (names file, site and key)."""

    exit_status = 2

    def __init__(self, path: str, message: str, site: str | None = None, key: str | None = None):
        self.path = path
        self.site = site
        self.key = key
        self.message = message
        where = path
        if site is not None:
            where += f": [sites.{site}]"
        if key is not None:
            where += f" {key}"
        super().__init__(f"{where}: {message}")


class UsageError(NewsspiderError):
    """Options that do not go together, or a missing input file named on the command line."""

    exit_status = 2


class UnknownSiteError(NewsspiderError):
    """A command named a site that the configuration does not define."""

    exit_status = 2


class DatabaseError(NewsspiderError):
    """The database cannot be opened or is not a newsspider database."""

    exit_status = 3


class OutputError(NewsspiderError):
    """An output directory or file cannot be written."""

    exit_status = 3


class DatabaseNotFoundError(DatabaseError):
    """The database file to read does not exist."""
