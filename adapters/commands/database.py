"""`interview-bot db ...`: the schema."""

from __future__ import annotations

from adapters.commands.common import Access, load_settings, open_database, out


def upgrade() -> None:
    settings = load_settings()
    engine = open_database(settings, Access.CREATE)
    out.print(f"Database at {engine.url.render_as_string(hide_password=True)} is up to date.",
              highlight=False, soft_wrap=True)


def check() -> None:
    """Reachable and current, writing nothing: for health checks of processes that serve no
    HTTP (Socket Mode, Discord)."""
    settings = load_settings()
    engine = open_database(settings, Access.READ)
    out.print(f"Database at {engine.url.render_as_string(hide_password=True)} is reachable "
              "and current.", highlight=False, soft_wrap=True)
