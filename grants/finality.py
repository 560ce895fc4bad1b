"""When a decision becomes final (bestandskräftig): the one-month appeal period after delivery.

The period (§ 74(1) sentence 2 VwGO for an action, § 70(1) VwGO for an objection) is computed by § 57(2) VwGO with
§ 222 ZPO and §§ 187, 188 BGB: it ends with the day of the next month that has the delivery day's number, or the
month's last day when the month has no such day; a period ending on a Saturday, Sunday or public holiday in Bremen
ends on the next working day. The decision is final from the day after. Pure Python, no database.
"""

import calendar
from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def bremen_holidays(year: int) -> set[date]:
    """Public holidays in the Free Hanseatic City of Bremen (Gesetz über die Sonn- und Feiertage, § 2)."""
    easter = easter_sunday(year)
    holidays = {
        date(year, 1, 1),  # Neujahr
        easter - timedelta(days=2),  # Karfreitag
        easter + timedelta(days=1),  # Ostermontag
        date(year, 5, 1),  # Tag der Arbeit
        easter + timedelta(days=39),  # Christi Himmelfahrt
        easter + timedelta(days=50),  # Pfingstmontag
        date(year, 10, 3),  # Tag der Deutschen Einheit
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year >= 2018:
        holidays.add(date(year, 10, 31))  # Reformationstag, a holiday in Bremen since 2018
    return holidays


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bremen_holidays(day.year)


def add_months(day: date, months: int) -> date:
    """The day with the same number `months` later, or that month's last day (§ 188(2), (3) BGB)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def appeal_period_end(delivered_on: date) -> date:
    """The last day on which an appeal may be lodged against a decision delivered on `delivered_on`."""
    end = add_months(delivered_on, 1)
    while not is_working_day(end):  # § 222(2) ZPO
        end += timedelta(days=1)
    return end


def final_from(delivered_on: date) -> date:
    """The first day on which the decision is final if no appeal was lodged."""
    return appeal_period_end(delivered_on) + timedelta(days=1)
