"""Scrapy settings for newsspider; our own settings are prefixed NEWSSPIDER_.

Per-site politeness (delay, concurrency, robots.txt, timeout) comes from the
site definition and is applied as each site spider's custom settings.
"""

from newsspider import __version__
from newsspider.guard import DEFAULT_DENY_NETWORKS

BOT_NAME = "newsspider"
SPIDER_MODULES: list[str] = []
SPIDER_LOADER_CLASS = "newsspider.spiderloader.SiteSpiderLoader"

# Our settings. An empty NEWSSPIDER_CONFIG falls back to $NEWSSPIDER_CONFIG,
# ./newsspider.toml, then the bundled newsspider/sites.toml.
NEWSSPIDER_CONFIG = None
NEWSSPIDER_DB = "newsspider.db"
# Worker processes for article extraction (0: in the crawl's own process). On a machine
# with spare cores, 1 or 2 let a large crawl extract while it fetches.
NEWSSPIDER_EXTRACT_PROCESSES = 0
# Articles are committed in batches of this many items or seconds, whichever comes first.
NEWSSPIDER_COMMIT_ITEMS = 100
NEWSSPIDER_COMMIT_SECONDS = 2.0

USER_AGENT = f"newsspider/{__version__} (+https://github.com/newsspider/newsspider)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
# A page yields one article or a few requests: Scrapy's default of 100 parallel
# output slots per response only costs task churn.
CONCURRENT_ITEMS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 2
COOKIES_ENABLED = False
# Scrapy's consoles: the telnet one and an HTTP server on 127.0.0.1 that runs the Python sent to
# it (for Scrapy's MCP server; on by default). An unattended crawl wants no listening port per site.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
HTTPCACHE_ENABLED = False
REDIRECT_MAX_TIMES = 5
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True  # a response cut short is an error, never an article

# Defences against a hostile web (docs/robustness.md); per-site values come from the
# site definition. Addresses: the deny-list, and what a config allows despite it.
NEWSSPIDER_DENY_ADDRESSES = list(DEFAULT_DENY_NETWORKS)
NEWSSPIDER_ALLOW_ADDRESSES: list[str] = []
NEWSSPIDER_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each next one
DOWNLOADER_MIDDLEWARES = {
    "newsspider.middlewares.AddressGuardMiddleware": 60,
    # After Scrapy's RobotsTxtMiddleware (100): robots.txt kept across runs, Crawl-delay kept.
    "newsspider.robots.RobotsCacheMiddleware": 110,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,  # COOKIES_ENABLED is off
    "newsspider.middlewares.BackoffRetryMiddleware": 550,
    "newsspider.middlewares.EncodingRepairMiddleware": 580,
    "newsspider.middlewares.RequestPurposeMiddleware": 845,  # before DownloaderStats (850)
}
SPIDER_MIDDLEWARES = {
    "newsspider.incremental.IncrementalMiddleware": 900,
    "newsspider.middlewares.CrawlLimitsMiddleware": 950,
}
# Skip stored articles, re-check recent ones, stop paging early (newsspider/incremental.py).
NEWSSPIDER_INCREMENTAL = True

ITEM_PIPELINES = {
    "newsspider.pipelines.NormalizePipeline": 100,
    "newsspider.pipelines.ValidatePipeline": 200,
    "newsspider.pipelines.StorePipeline": 900,
}

EXTENSIONS = {
    "newsspider.runlog.RunLog": 500,
    "newsspider.progress.Progress": 510,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}
NEWSSPIDER_PROGRESS = False  # the live line on a terminal (set by the CLI)

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
