"""Article ingestion: read a news article and propose draft events for editors to review."""
