"""The reading corpus: document cases with their expected facts, and a scorer."""
