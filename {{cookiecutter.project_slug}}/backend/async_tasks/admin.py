from django.contrib import admin, messages

from .models import UnsentTask
from .runner import circuit, publish


@admin.register(UnsentTask)
class UnsentTaskAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "name", "reason", "error")
    list_filter = ("reason", "name")
    fields = ("id", "name", "reason", "error", "recorded_at", "kwargs")
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Send the selected tasks again", permissions=["change"])
    def send_again(self, request, queryset) -> None:
        circuit.close()
        published = 0
        for unsent in queryset:
            publish(unsent.name, unsent.kwargs, str(unsent.id))
            if circuit.open:
                self.message_user(request, "The broker cannot be reached; the tasks stay recorded.", messages.ERROR)
                return
            unsent.delete()
            published += 1
        self.message_user(request, f"Published {published} task(s).", messages.SUCCESS)
