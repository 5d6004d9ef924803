"""Interchange with the field's datasets: import and export ACLED and UCDP GED files."""
