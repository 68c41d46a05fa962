"""Extraction: HTML in, a clean article with its metadata (or the reason there is none) out.

Pure: no Scrapy, no archive, no network. `extract.extract_article` is the entry point;
`sanitise.sanitise_html` is the one piece the Datasette plugin uses.
"""

MIN_CHARS = 200  # the least article text a page must hold; less is "no article text (N characters)"
