"""Query benchmark: a generated store of articles over shows, search latency and export cost."""
