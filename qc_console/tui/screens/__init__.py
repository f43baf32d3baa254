"""One screen per module: the queue, the lead detail, the help overlay."""
