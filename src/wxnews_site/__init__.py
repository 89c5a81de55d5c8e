"""wxnews-site: a static news-archive site generator for Chinese newspapers."""

__version__ = "0.1.0"
