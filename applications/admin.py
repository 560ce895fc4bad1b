from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from applications.models import Application, Call, Decision, DecisionLetter, Programme


class CallInline(admin.TabularInline):
    model = Call
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin):
    list_display = ["title", "financing_method", "min_amount", "max_amount", "informal_initiatives_may_apply"]
    inlines = [CallInline]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "opens_at", "closes_at", "budget"]
    list_filter = ["programme"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "call", "status", "submitted_at"]
    list_filter = ["status", "call__programme"]
    search_fields = ["title", "organisation__name"]
    readonly_fields = ["status", "submitted_at", "submitted_by", "created_by"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["application", "version", "outcome", "amount", "status", "proposed_by", "approved_by"]
    readonly_fields = [f.name for f in Decision._meta.fields]


@admin.register(DecisionLetter)
class DecisionLetterAdmin(admin.ModelAdmin):
    list_display = ["decision", "created", "first_downloaded_at", "first_downloaded_by"]
    readonly_fields = [f.name for f in DecisionLetter._meta.fields]
