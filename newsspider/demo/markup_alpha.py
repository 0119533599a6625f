"""Markup "alpha": an ASP.NET WebForms portal laid out with tables.

Metadata sits in a two-column table ("News ID :" / "Publish Date :"), the
article is addressed by a query string, links are relative, and the whole
page is wrapped in the postback form with its __VIEWSTATE.
"""

from __future__ import annotations

from newsspider.demo.layout import CATEGORIES, SectionView, esc, share_param, viewstate
from newsspider.demo.truth import ArticleTruth

SITE_NAME = "Alpha News Portal"
CTL = "ctl00_ContentPlaceHolder1_"


def listing_path(page: int) -> str:
    return "/alpha/news" if page == 1 else f"/alpha/news?Page={page}"


def static_pages() -> dict[str, str]:
    """Paths of the menu's pages (and the admin login robots.txt hides) -> their titles."""
    pages = {f"/alpha/service.aspx?ServiceID={i}": name for i, name in enumerate(CATEGORIES, 1)}
    pages["/alpha/page.aspx?PageID=1"] = "About Us"
    pages["/alpha/page.aspx?PageID=2"] = "Contact Us"
    pages["/admin/login.aspx"] = "Administration"
    return pages


def _menu() -> str:
    items = ['<li><a href="/alpha/news">Home</a></li>']
    for path, title in static_pages().items():
        if path.startswith("/alpha/service.aspx"):
            items.append(f'<li><a href="{path.removeprefix("/alpha/")}">{esc(title)}</a></li>')
    return '<ul id="ctl00_ulMenu" class="TopMenu">\n' + "\n".join(items) + "\n</ul>"


def _most_read(view: SectionView, current: ArticleTruth | None) -> str:
    rows = "\n".join(
        f'<tr><td class="MostBullet">&#8226;</td><td><a href="{esc(a.url_path[7:])}"'
        f' class="MostLink">{esc(a.title)}</a></td></tr>'
        for a in view.most_read(current)
    )
    return (
        '<table class="BoxTable" cellpadding="2" cellspacing="0" width="100%">'
        '<tr><td colspan="2" class="BoxHeader">Most Read</td></tr>\n' + rows + "\n</table>"
    )


def _page(view: SectionView, action: str, title: str, center: str, current=None) -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head id="ctl00_Head1"><title>
\t{esc(title)}
</title><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<link href="App_Themes/Default/Style.css" type="text/css" rel="stylesheet" />
<script src="Scripts/jquery-1.4.1.min.js" type="text/javascript"></script>
</head>
<body>
<form name="aspnetForm" method="post" action="{esc(action)}" id="aspnetForm">
<div>
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate(action)}" />
</div>
<table id="tblMain" width="980" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td id="tdHeader" colspan="3">
<a href="/alpha/news"><img src="Images/logo.gif" alt="{SITE_NAME}" border="0" /></a>
<span class="TopDate">Language: <a href="/fa/news">فارسی</a> | <b>English</b></span>
</td></tr>
<tr><td id="tdMenu" colspan="3">{_menu()}</td></tr>
<tr>
<td class="RightColumn" valign="top" width="200">{_most_read(view, current)}</td>
<td class="CenterColumn" valign="top">
{center}
</td>
<td class="LeftColumn" valign="top" width="160">
<a href="https://www.example.org/"><img src="Images/banner1.jpg" alt="Banner" /></a><br />
<a href="service.aspx?ServiceID=10"><img src="Images/banner2.jpg" alt="Video" /></a>
</td>
</tr>
<tr><td id="tdFooter" colspan="3" align="center">
All rights reserved for {SITE_NAME}. Address: No. 12, Azadi St., Tehran. Tel: +98 21 8800 1234
 - Fax: +98 21 8800 1235 - Email: info@alpha-portal.example
<br /><a href="page.aspx?PageID=1">About Us</a> | <a href="page.aspx?PageID=2">Contact Us</a>
 | <a href="/admin/login.aspx">Admin</a>
</td></tr>
</table>
</form>
</body>
</html>
"""


def _body(article: ArticleTruth) -> str:
    parts = []
    for index, paragraph in enumerate(article.paragraphs):
        parts.append(f'<p style="text-align: justify;">{esc(paragraph)}</p>')
        if index == 0 and int(article.news_id) % 2:
            parts.append("<p>&nbsp;</p>")
    return "\n".join(parts)


def _comment_form() -> str:
    field = f'name="ctl00$ContentPlaceHolder1${{0}}" id="{CTL}{{0}}"'
    return f"""<div class="CommentBox">
<div class="CommentHeader">Comments</div>
<table class="CommentForm" cellpadding="3">
<tr><td>first name &amp; last name</td><td><input {field.format("txtName")} type="text" /></td></tr>
<tr><td>email</td><td><input {field.format("txtEmail")} type="text" /></td></tr>
<tr><td>comment</td><td><textarea {field.format("txtComment")} rows="5" cols="40"></textarea>
</td></tr>
<tr><td></td><td><input type="submit" {field.format("btnSend")} value="Send" /></td></tr>
</table>
</div>"""


def article_page(article: ArticleTruth, view: SectionView) -> str:
    action = article.url_path.removeprefix("/alpha/")
    url = share_param(view.absolute(article.url_path))
    center = f"""<table class="NewsInfo" cellpadding="2" cellspacing="0">
<tr><td class="InfoLabel">News ID :</td>
<td><span id="{CTL}lblNewsID">{article.news_id}</span></td></tr>
<tr><td class="InfoLabel">Publish Date :</td>
<td><span id="{CTL}lblPublishDate">{esc(article.published_raw)}</span></td></tr>
</table>
<div class="NewsTitle"><span id="{CTL}lblTitle">{esc(article.title)}</span></div>
<div class="NewsLead"><span id="{CTL}lblLead">{esc(article.title)}</span></div>
<div id="{CTL}pnlBody" class="NewsBody">
{_body(article)}
</div>
<br />
<div class="NewsSource"><span id="{CTL}lblSource">{esc(article.source or "")}</span></div>
<div class="NewsTools">
<a href="print.aspx?NewsID={article.news_id}" target="_blank">Print</a> |
<a href="sendtofriend.aspx?NewsID={article.news_id}">Send to friend</a> |
<a href="https://twitter.com/intent/tweet?url={url}" target="_blank">Twitter</a> |
<a href="https://www.facebook.com/sharer.php?u={url}" target="_blank">Facebook</a> |
<a href="https://t.me/share/url?url={url}" target="_blank">Telegram</a>
</div>
{_comment_form()}"""
    return _page(view, action, f"{SITE_NAME} - {article.title}", center, article)


def listing_page(page: int, view: SectionView) -> str:
    rows = "\n".join(
        f'<tr><td class="ListItem"><a class="NewsLink" href="{esc(a.url_path[7:])}">'
        f'{esc(a.title)}</a><br /><span class="ListDate">{esc(a.published_raw)}</span>'
        "</td></tr>"
        for a in view.page_articles(page)
    )
    pager = [f"Page {page} of {view.pages}: "]
    for number in range(1, view.pages + 1):
        if number == page:
            pager.append(f'<span class="CurrentPage">{number}</span>')
        else:
            pager.append(f'<a href="{listing_path(number)[7:]}">{number}</a>')
    if page < view.pages:
        pager.append(f'<a href="{listing_path(page + 1)[7:]}">Next</a>')
    center = f"""<div class="PageTitle">Latest News</div>
<table id="{CTL}dlNews" class="NewsList" cellspacing="0" width="100%">
{rows}
</table>
<div class="Pager">{" ".join(pager)}</div>"""
    action = listing_path(page).removeprefix("/alpha/")
    return _page(view, action, f"{SITE_NAME} - Latest News", center)


def message_page(title: str, message: str, view: SectionView, action: str) -> str:
    """A page of the site's chrome around one message (menu pages, error pages)."""
    center = (
        f'<div class="PageTitle">{esc(title)}</div>\n<div class="PageText">{esc(message)}</div>'
    )
    return _page(view, action.removeprefix("/alpha/"), f"{SITE_NAME} - {title}", center)
