"""Plain-text tables for notebooks and the command line."""

from __future__ import annotations


def text_table(rows: list[dict], columns: list[str] | None = None, floatfmt: str = ".3f") -> str:
    """Rows of dicts as an aligned text table; numbers right-aligned, floats with ``floatfmt``."""
    if not rows:
        return "(no rows)"
    columns = columns or list(rows[0])

    def cell(value) -> str:
        return format(value, floatfmt) if isinstance(value, float) else str(value)

    body = [[cell(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in body)) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row.get(c), (int, float)) for row in rows) for c in columns]

    def line(values) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in body])
