"""The `marquee serve` command: browse a SQLite store in Datasette, read-only, in this process.

It owns the checks before serving (a SQLite file that exists, with an up-to-date schema, and
Datasette installed) and starting Datasette under uvicorn; what Datasette shows is
crawler.browse's.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import make_url

from crawler.browse import SETTINGS, build_metadata, database_name
from crawler.cliutil import db_option, handle_errors, open_session
from storage.db import display_url

INSTALL_HINT = "pip install 'marquee[analysis]'"


@click.command()
@db_option
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="TCP port."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 makes the store readable by anyone on the network.",
)
@handle_errors
def serve(db_url: str, port: int, host: str) -> None:
    """Browse the store in Datasette, read-only, until Ctrl-C.

    Shows the article_list view with facets on source, shows and publication date and
    full-text search, canned queries (latest articles per show, a show's story clusters,
    articles per show per week, source health) and an "articles over time" dashboard.
    The store is served under its file name without the extension (marquee.db at
    http://127.0.0.1:8001/marquee). Needs a SQLite store and the analysis extra
    (pip install 'marquee[analysis]').
    """
    path = sqlite_path(db_url)
    with open_session(db_url):
        pass  # only its checks: the file exists and its schema is up to date
    app = datasette_app(path)
    name = database_name(path)
    click.echo(f"Serving {path} read-only at http://{host}:{port}/{name} (Ctrl-C to stop)")
    _run(app, host, port)


def sqlite_path(db_url: str) -> Path:
    """The file of a SQLite store; other stores are refused, Datasette serves SQLite only."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"Datasette serves SQLite files only, and {display_url(db_url)} is "
            f"{url.get_backend_name()}: read it with `marquee export` or the Python API "
            "(storage.corpus) instead"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise click.ClickException(f"{display_url(db_url)} is not a SQLite file to serve")
    return Path(url.database)


def datasette_app(path: Path) -> Any:
    """An ASGI app serving ``path`` in Datasette with Marquee's metadata, started up."""
    try:
        from datasette.app import Datasette
    except ImportError as exc:
        raise click.ClickException(f"marquee serve needs Datasette: {INSTALL_HINT}") from exc
    if importlib.util.find_spec("datasette_dashboards") is None:
        click.echo(f"datasette-dashboards is missing, so no dashboard: {INSTALL_HINT}", err=True)
    # Not immutable: the store is in WAL mode, and an immutable open would ignore the WAL
    # (the latest commits). Datasette opens a mutable file with mode=ro connections, and with
    # no write canned query nothing it serves can write.
    datasette = Datasette(
        files=[str(path)], metadata=build_metadata(database_name(path)), settings=SETTINGS
    )
    asyncio.run(datasette.invoke_startup())
    return datasette.app()


def _run(app: Any, host: str, port: int) -> None:
    import uvicorn  # Datasette's own dependency, so present whenever Datasette is

    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="on")


if __name__ == "__main__":
    serve(prog_name="marquee serve")
