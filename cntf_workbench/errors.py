"""Error types, one per area, each naming file, row and column and what was expected.

Messages are Japanese first (a participant reads them), one line, so that the CLI can print
``str(error)`` and exit 2.
"""

from __future__ import annotations

from pathlib import Path


class CntfError(Exception):
    """Base of every error the workbench raises on bad input.

    Parameters
    ----------
    message : str
        What is wrong and what was expected, in Japanese.
    file : str or Path, optional
        The input file.
    row : int, optional
        1-based data row number (the header is row 0), as a spreadsheet user counts rows
        below the header.
    column : str, optional
        The column name.
    """

    area = "入力"

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        super().__init__(str(self))

    def location(self) -> str:
        """Return ``ファイル …, 行 …, 列 …`` for the parts that are known."""
        parts = []
        if self.file is not None:
            parts.append(f"ファイル {self.file}")
        if self.row is not None:
            parts.append(f"データ{self.row}行目")
        if self.column is not None:
            parts.append(f"列「{self.column}」")
        return ", ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{self.area}エラー: {self.message}"
        return f"{text}（{loc}）" if loc else text


class DataError(CntfError):
    """A table does not match its documented format (missing column, bad value …)."""

    area = "データ"


class UnitError(CntfError):
    """A unit cannot be parsed or converted."""

    area = "単位"


class FactorError(CntfError):
    """An emission factor is missing, ambiguous or does not fit the activity."""

    area = "排出係数"


class BomError(CntfError):
    """A bill of materials is not a valid part graph (cycle, negative or missing quantity)."""

    area = "部品表"


class AllocationError(CntfError):
    """An allocation basis is unknown or its drivers cannot be used."""

    area = "配賦"
