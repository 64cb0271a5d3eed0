"""The reach report: whom the labs serve over a date range, with small numbers withheld."""
