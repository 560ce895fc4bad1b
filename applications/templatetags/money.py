from django import template

from applications.formatting import format_money

register = template.Library()
register.filter("money", format_money)
