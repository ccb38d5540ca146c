"""Publish the tasks recorded as unsent; ``--failed`` also those that failed every retry."""

from django.core.management.base import BaseCommand

from async_tasks.models import UnsentTask
from async_tasks.runner import circuit, publish


class Command(BaseCommand):
    help = "Publish the tasks recorded as unsent (the broker was down); --failed also those that failed every retry."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="also tasks that failed every retry")

    def handle(self, *args, failed: bool, **options):
        circuit.close()
        tasks = UnsentTask.objects.all() if failed else UnsentTask.objects.filter(reason="broker_unavailable")
        published = 0
        for unsent in tasks:
            publish(unsent.name, unsent.kwargs, str(unsent.id))
            if circuit.open:
                self.stderr.write("The broker cannot be reached; the tasks stay recorded.")
                break
            unsent.delete()
            published += 1
        self.stdout.write(f"Published {published} task(s).")
