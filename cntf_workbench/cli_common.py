"""What every ``cntf`` command group shares: how an input error ends a command."""

from __future__ import annotations

import typer

from cntf_workbench.errors import CntfError


def fail(exc: CntfError) -> None:
    """Print the error as one Japanese line on stderr and exit with status 2."""
    typer.echo(" ".join(str(exc).splitlines()), err=True)
    raise typer.Exit(code=2)
