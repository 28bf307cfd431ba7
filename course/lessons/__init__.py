"""One module per lesson notebook, named after it: ``notebooks/02_proxies_and_attribution.ipynb``
calls ``course/lessons/l02_proxies_and_attribution.py``. A module holds the lesson's figures,
widget logic and computed questions; its teaching text lives in ``content/``."""
