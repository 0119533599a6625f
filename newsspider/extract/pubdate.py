import htmldate
def find_published(html, url=None, *, tree=None, metadata=None):
    return htmldate.find_date(html, url=url, extensive_search=True)
