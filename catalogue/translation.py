from modeltranslation.translator import TranslationOptions, register

from catalogue.models import Offer


@register(Offer)
class OfferTranslationOptions(TranslationOptions):
    fields = ("title", "description", "audience", "schedule", "cost_note")
