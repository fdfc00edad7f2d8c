"""The Streamlit app: one module per page and the session state they share.

``session`` (cached engine, the session's annotator, the feedback database) and one module per page:
``app`` (Annotate), ``compare_page``, ``lexicon_page`` and ``feedback_page``; the page scripts in
``app_pages/`` only arrange them. ``engine``, ``lexicon_table`` and ``feedback_table`` are the pages'
plain-Python helpers. The HTML the pages show comes from ``annotator.render``, shared with the exports.
"""
