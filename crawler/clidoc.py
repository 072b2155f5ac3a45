"""Render docs/cli.md from the commands' own --help: `python -m crawler.clidoc > docs/cli.md`."""

from __future__ import annotations

import click

from crawler.cli import cli

Chain = list[tuple[str, click.Command]]  # (name, command) from `marquee` down to one command


def walk_commands(chain: Chain) -> list[Chain]:
    """Every command below (and including) the chain's last one, depth first."""
    found = [chain]
    command = chain[-1][1]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += walk_commands([*chain, (name, command.commands[name])])
    return found


def _help(chain: Chain) -> str:
    """The --help text that `marquee ...` prints for the chain's last command."""
    context: click.Context | None = None
    for name, command in chain:
        settings = {"terminal_width": 100, "max_content_width": 100, **command.context_settings}
        context = click.Context(command, info_name=name, parent=context, **settings)
    assert context is not None
    return context.command.get_help(context)


def render_reference() -> str:
    """The whole reference as Markdown: one section per command with its help text."""
    parts = [
        "# CLI reference\n\n",
        "Generated from `--help` by `python -m crawler.clidoc > docs/cli.md`; "
        "a test fails when it drifts.\n",
    ]
    for chain in walk_commands([("marquee", cli)]):
        name = " ".join(n for n, _ in chain)
        parts.append(f"\n## `{name}`\n\n```\n{_help(chain).rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render_reference(), end="")
