"""newsspider: crawl news sites into SQLite and publish feeds.

Importing the package must stay cheap and Scrapy-free: `feeds/` and the pure
`newsspider.extract` functions are used without a crawler.
"""

__version__ = "0.1.0"
