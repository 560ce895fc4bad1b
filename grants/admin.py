from django.contrib import admin

from grants.models import BaseRate


@admin.register(BaseRate)
class BaseRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "rate"]
    ordering = ["-valid_from"]
