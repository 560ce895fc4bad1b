"""The catalogue's plain-language statements as template filters: {{ summary|by_when }}, {{ offer|offer_dates }}."""

from django import template

from catalogue import plain

register = template.Library()
register.filter("who_may_apply_line", plain.who_may_apply_line)
register.filter("up_to", plain.up_to)
register.filter("by_when", plain.by_when)
register.filter("offer_dates", plain.offer_dates)
register.filter("offer_registration", plain.offer_registration)
register.filter("offer_costs", plain.offer_costs)
