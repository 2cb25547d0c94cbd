"""Residents' requests (群众诉求 / 工单).

One thing, two names: in code the model is `Appeal` (a module named `requests` would shadow the
HTTP library), in URLs and the API it is `requests` (/requests/, /api/v1/requests/). Its type
(咨询, 求助, 投诉, 建议, 表扬) is `kind` in Python (`Appeal.kind`, `AppealKind`), `type` only in the
API's and Open311's field names.
"""
