"""Search over the knowledge base: analysis, query expansion, ranking, confidence."""
