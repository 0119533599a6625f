"""Datasette plugin: the newsspider metadata for every database, whatever its file name.

`datasette news.db --plugins-dir datasette/plugins` titles the tables and views and adds
the canned queries of `datasette/metadata.yml` (keyed there to a database named
`newsspider`) to every database it serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # comes with Datasette

from datasette import hookimpl

METADATA = Path(__file__).resolve().parents[1] / "metadata.yml"
KEY = "newsspider"  # the database key metadata.yml uses


@hookimpl
def get_metadata(datasette: Any, key: str, database: str | None, table: str | None) -> Any:
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    block = metadata.pop("databases")[KEY]
    names = [name for name, db in datasette.databases.items() if not db.is_memory]
    metadata["databases"] = {name: block for name in names}
    return metadata
