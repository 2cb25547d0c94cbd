from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = "民生项目"

    def ready(self) -> None:
        from apps.common.cache import PROJECTS, invalidate_on_change
        from apps.projects.models import Milestone, ProgressUpdate, Project, ProjectPhoto

        # Cached public pages about projects go stale when one of these rows changes (on commit).
        invalidate_on_change(
            (PROJECTS,),
            Project,
            Milestone,
            ProgressUpdate,
            ProjectPhoto,
            Project.areas.through,
            Project.co_departments.through,
        )
