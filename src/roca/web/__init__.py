"""The reviewer console: server-rendered Jinja2 pages (HTMX-ready), bilingual through gettext catalogs."""
