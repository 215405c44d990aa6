"""The agent: the model protocol, the tool loop, Claude and the offline planner."""
