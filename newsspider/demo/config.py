"""Site definitions for the demo portals, pointing at a running `DemoServer`."""

from __future__ import annotations

SECTION_TITLES = {
    "alpha": "Demo Portal (alpha)",
    "beta": "Demo Portal (beta)",
    "gamma": "Demo Portal (gamma)",
    "fa": "Demo Portal (fa)",
    "js": "Demo Portal (js, built by JavaScript)",
}
# Regexes are TOML literal strings ('...'), so backslashes need no escaping.
ARTICLE_URL_PATTERNS = {
    "alpha": r"^https?://[^/]+/alpha/newsview\.aspx\?NewsID=\d+$",
    "beta": r"^https?://[^/]+/beta/news/[a-z0-9-]+\.html$",
    "gamma": r"^https?://[^/]+/gamma/news/\d+/[a-z0-9-]+$",
    "fa": r"^https?://[^/]+/fa/news/\d+/[^/?#]+$",
    "js": r"^https?://[^/]+/js/news/\d+/[a-z0-9-]+$",
}
ID_PATTERNS = {
    "gamma": r"/gamma/news/(?P<id>\d+)/",
    "fa": r"/fa/news/(?P<id>\d+)/",
    "js": r"/js/news/(?P<id>\d+)/",
}
DAYFIRST = {"gamma"}


def demo_config_toml(
    base_url: str, sections: tuple[str, ...] = ("alpha", "beta", "gamma"), max_pages: int = 5
) -> str:
    """A TOML text with one `[sites.demo_<section>]` table per section."""
    return "\n".join(_site_table(base_url.rstrip("/"), section, max_pages) for section in sections)


def _site_table(base_url: str, section: str, max_pages: int) -> str:
    lines = [
        f"[sites.demo_{section}]",
        'kind = "portal"',
        f'title = "{SECTION_TITLES[section]}"',
        f'start_urls = ["{base_url}/{section}/news"]',
        'timezone = "Asia/Tehran"',
        f'language = "{"fa" if section == "fa" else "en"}"',
        f"max_pages = {max_pages}",
        "download_delay = 0",
        "# The demo runs on this machine: let the address guard allow loopback for it.",
        'allow_addresses = ["127.0.0.1/32"]',
        f"article_url_pattern = '{ARTICLE_URL_PATTERNS[section]}'",
    ]
    if section in ID_PATTERNS:
        lines.append(f"id_pattern = '{ID_PATTERNS[section]}'")
    if section in DAYFIRST:
        lines.append("dayfirst = true")
    if section == "js":  # its pages are built by JavaScript (docs/browser.md)
        lines.append('render = "browser"')
    return "\n".join(lines) + "\n"
