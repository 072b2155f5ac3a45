"""Near-duplicate benchmark data: labelled pairs and a throughput corpus from real articles."""
