"""Everything the app and the visual exports share: colours, the highlighted-article HTML, tables, diffs.

Pure Python (usable by the HTML and DOCX writers, the CLI and tests without Streamlit): ``article``,
``palette``, ``tables``, ``rewrites``, ``engine``, ``lexicon_table`` and ``feedback_table``. The Streamlit
side is ``session`` (cached engine, the session's annotator, the feedback database) and one module per page:
``app`` (Annotate), ``compare_page``, ``lexicon_page`` and ``feedback_page``; the page scripts in
``app_pages/`` only arrange them.
"""
