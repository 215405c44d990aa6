"""Helpers the tests and the Makefile share."""
