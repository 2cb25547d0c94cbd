"""The back office's own admin site: Django's admin whose index is the official's workbench
(今日待办). Listed in INSTALLED_APPS in place of django.contrib.admin."""
