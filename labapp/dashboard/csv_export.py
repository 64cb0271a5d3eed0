"""Kept for older imports: the CSV helpers now live in labapp.core.csv_export, shared with records."""

from labapp.core.csv_export import BOM, FORMULA_STARTS, csv_lines, safe_cell

__all__ = ["BOM", "FORMULA_STARTS", "csv_lines", "safe_cell"]
