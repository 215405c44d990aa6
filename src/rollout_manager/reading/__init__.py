"""Reading a context folder: its Markdown documents and rollout.yaml into a `RolloutContext`."""
