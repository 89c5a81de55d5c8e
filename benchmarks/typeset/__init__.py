"""Typeset pages: corpus pages laid out as HTML broadsheets, printed by Chromium, read back by pdfminer.six."""
