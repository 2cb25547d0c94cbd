from django.apps import AppConfig


class CategoriesConfig(AppConfig):
    name = "apps.categories"
    label = "categories"
    verbose_name = "问题分类"

    def ready(self) -> None:
        from apps.categories.models import ProblemCategory
        from apps.common.cache import ALL_DATA, invalidate_on_change

        # The request form, the list's filter and Open311's services show the classes.
        invalidate_on_change(ALL_DATA, ProblemCategory)
