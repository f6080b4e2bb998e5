"""The staff console: server-rendered pages behind a staff sign-in, under /console.

login.py signs people in and out; work.py is the work queue, the case page and its actions;
dashboard.py draws the charts (their geometry in charts.py); routes.py gathers the pages.
"""
