"""Markup "js": a script-built news site. The HTML is an empty shell; the listing and the
article (title, News ID, date, body, source) are built by `app.js` from embedded JSON.

A plain HTTP fetch sees the shell only (menu, footer, a "Loading" line); a browser sees
what a reader sees. Rendered, the page has the portal family's labels, so the same
extraction chain reads it. Opt-in (`DemoServer(scripted=True)`): its crawl needs Chromium.
"""

from __future__ import annotations

import json

from newsspider.demo.layout import SectionView, esc, summary
from newsspider.demo.truth import ArticleTruth

SITE_NAME = "Script Times"
APP_PATH = "/js/static/app.js"

APP_JS = r"""(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var app = document.getElementById("app");
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  app.textContent = "";
  if (data.kind === "listing") {
    var list = el("ul", {"class": "story-list"});
    data.items.forEach(function (item) {
      var li = el("li", {"class": "story"});
      var h = el("h3");
      h.appendChild(el("a", {href: item.url}, item.title));
      li.appendChild(h);
      li.appendChild(el("p", {"class": "teaser"}, item.summary));
      list.appendChild(li);
    });
    app.appendChild(list);
    if (data.next) app.appendChild(el("a", {href: data.next, rel: "next"}, "Next"));
  } else if (data.kind === "article") {
    var story = el("article", {"class": "story-page"});
    var meta = el("div", {"class": "story-meta"});
    meta.appendChild(el("span", {}, "News ID : " + data.id));
    meta.appendChild(el("span", {}, " Publish Date : " + data.published));
    story.appendChild(meta);
    story.appendChild(el("h1", {}, data.title));
    story.appendChild(el("p", {"class": "lead"}, data.title));
    story.appendChild(el("img", {src: "/js/static/photo-" + data.id + ".jpg", alt: ""}));
    var body = el("div", {"class": "story-body"});
    data.paragraphs.forEach(function (p) { body.appendChild(el("p", {}, p)); });
    story.appendChild(body);
    if (data.source) story.appendChild(el("div", {"class": "agency"}, "Source: " + data.source));
    app.appendChild(story);
  } else {
    app.appendChild(el("p", {}, data.message));
  }
  document.title = (data.title || SITE) + " - " + SITE;
})();
""".replace("SITE", json.dumps(SITE_NAME))

ASSETS = {APP_PATH: APP_JS}


def listing_path(page: int) -> str:
    return "/js/news" if page == 1 else f"/js/news?page={page}"


def static_pages() -> dict[str, str]:
    return {"/js/about": "About Script Times", "/js/contact": "Contact Script Times"}


def _data(payload: dict[str, object]) -> str:
    """JSON safe inside a <script> element (no "</" can close it)."""
    text = json.dumps(payload, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(payload: dict[str, object]) -> str:
    menu = "\n".join(
        f'<li><a href="{path}">{esc(title)}</a></li>' for path, title in static_pages().items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{SITE_NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<header><a href="/js/news">{SITE_NAME}</a><nav><ul>
<li><a href="/js/news">Latest</a></li>
{menu}
</ul></nav></header>
<main id="app"><noscript>Please enable JavaScript.</noscript>Loading...</main>
<footer>{SITE_NAME}: news as it happens.</footer>
<script type="application/json" id="page-data">{_data(payload)}</script>
<script src="{APP_PATH}"></script>
</body>
</html>
"""


def listing_page(page: int, view: SectionView) -> str:
    items = [
        {"url": a.url_path, "title": a.title, "summary": summary(a)}
        for a in view.page_articles(page)
    ]
    following = listing_path(page + 1) if page < view.pages else None
    return _page({"kind": "listing", "items": items, "next": following})


def article_page(article: ArticleTruth, view: SectionView) -> str:
    return _page(
        {
            "kind": "article",
            "id": article.news_id,
            "title": article.title,
            "published": article.published_raw,
            "paragraphs": article.paragraphs,
            "source": article.source,
        }
    )


def message_page(title: str, message: str, view: SectionView, path: str) -> str:
    return _page({"kind": "message", "title": title, "message": message})
