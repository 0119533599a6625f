"""Feed export: reads the newsspider database (read-only) and writes RSS, Atom and friends.

Never imports Scrapy: feeds can be rebuilt from a database alone.
"""

from feeds.export import ExportReport, Skipped, export_feeds

__all__ = ["ExportReport", "Skipped", "export_feeds"]
