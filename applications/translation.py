from modeltranslation.translator import TranslationOptions, register

from applications.models import Programme


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ("title", "description", "who_may_apply")
