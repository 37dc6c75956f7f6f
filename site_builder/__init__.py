"""The site builder: rendering, search index, exports and publishing. Knows nothing about YAML."""
