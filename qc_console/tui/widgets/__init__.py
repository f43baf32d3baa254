"""One widget per module: the lead table, the queue header."""
