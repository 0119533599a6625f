from newsspider.extract.encoding import decode_html

PERSIAN = "<html><body><p>وزیر امور خارجه در سفر به هانوی با همتای خود دیدار کرد.</p></body></html>"


def test_a_wrong_declaration_that_happens_to_decode_is_repaired():
    data = PERSIAN.encode("utf-8")
    assert decode_html(data, declared="iso-8859-1") == PERSIAN  # latin-1 decodes anything


ARABIC = (
    "<html><body><p>التقى وزير الخارجية نظيره في هانوي لبحث التعاون الإقليمي.</p></body></html>"
)


def test_undeclared_legacy_bytes_are_detected():
    assert decode_html(ARABIC.encode("cp1256")) == ARABIC
