"""crawler.shows.ShowLinker: the registry as the linker's catalogue, learning what a crawl
discovers before the store has it, and picking up what other processes registered."""

from __future__ import annotations

from pathlib import Path

from crawler.shows import ShowLinker, show_refs
from pipeline.shows import alias_key
from storage import shows
from storage.db import make_engine, make_sessionmaker, upgrade


def test_a_show_discovered_in_one_title_is_known_to_the_next() -> None:
    linker = ShowLinker()
    [first] = linker.link("All Us Are Dead Season 2: Filming Wraps")
    assert (first.name, first.spelling) == ("All Us Are Dead", None)
    [second] = linker.link("All of Us Are Dead Season 2 Cast Revealed")
    assert (second.name, second.spelling) == ("All Us Are Dead", "All of Us Are Dead")
    # The new spelling is now exact, so a third title with it needs no fuzzy match.
    [third] = linker.link("All of Us Are Dead Ending Explained")
    assert (third.name, third.confidence, third.spelling) == ("All Us Are Dead", 1.0, None)


def test_refs_carry_the_spelling_to_register_with_its_key() -> None:
    linker = ShowLinker()
    linker.link("Squid Game Season 2 Review: Bloody")
    [ref] = show_refs(linker.link("Squid Gaem Season 2 Trailer"))
    assert (ref.name, ref.key, ref.spelling, ref.spelling_key) == (
        "Squid Game", "squid game", "Squid Gaem", "squid gaem",
    )  # fmt: skip


def test_refresh_picks_up_shows_another_process_registered(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'marquee.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    linker = ShowLinker()
    with sessions() as session, session.begin():
        linker.refresh(session)
    assert linker.link("Why fans still love Jigeum Uri Hakgyoneun") == ()
    with sessions() as other, other.begin():  # an operator, or another crawl
        show = shows.add_show(other, "All of Us Are Dead", alias_key("All of Us Are Dead"))
        shows.add_alias(other, show, "Jigeum Uri Hakgyoneun", alias_key("Jigeum Uri Hakgyoneun"))
    with sessions() as session, session.begin():
        linker.refresh(session)
    [match] = linker.link("Why fans still love Jigeum Uri Hakgyoneun")
    assert match.name == "All of Us Are Dead"
    engine.dispose()
