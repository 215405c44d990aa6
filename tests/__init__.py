"""The test suite (`make test` runs it with lint and type checks)."""
