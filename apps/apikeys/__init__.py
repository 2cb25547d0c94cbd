"""API keys: the other systems that call the REST API and Open311 (the 12345 platform, departments' systems).

Both interfaces authenticate with the same keys, so the keys live here, below both of them.
"""
