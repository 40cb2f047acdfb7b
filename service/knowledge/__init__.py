"""Knowledge: ingestion (parse, chunk, embed, upsert) and hybrid retrieval."""
