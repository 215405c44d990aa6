"""Scenario files: their runs, golden plans and success-criteria checks."""
