"""The closed lists offers and requests are matched on: goods items, job sectors, volunteer skills.

Slugs are stored; labels are worded through gettext, so a host who writes in Ukrainian and a household
reading Farsi see the same item in their own language.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ITEMS: dict[str, Promise] = {
    "bed": _("Bed"),
    "mattress": _("Mattress"),
    "cot": _("Baby cot"),
    "bedding": _("Bedding set"),
    "blanket": _("Blanket"),
    "winter_coat_adult": _("Winter coat (adult)"),
    "winter_coat_child": _("Winter coat (child)"),
    "winter_boots": _("Winter boots"),
    "table": _("Table"),
    "chair": _("Chair"),
    "sofa": _("Sofa"),
    "wardrobe": _("Wardrobe"),
    "fridge": _("Fridge"),
    "washing_machine": _("Washing machine"),
    "cooker": _("Cooker"),
    "kitchen_set": _("Pots, pans and plates"),
    "stroller": _("Pushchair"),
    "school_bag": _("School bag and supplies"),
    "laptop": _("Laptop"),
    "phone": _("Mobile phone"),
    "bicycle": _("Bicycle"),
}

SECTORS: dict[str, Promise] = {
    "care": _("Care and social work"),
    "cleaning": _("Cleaning and facilities"),
    "construction": _("Construction and trades"),
    "education": _("Education"),
    "health": _("Health"),
    "hospitality": _("Hotels, restaurants and catering"),
    "it": _("IT and digital"),
    "logistics": _("Transport and logistics"),
    "manufacturing": _("Manufacturing"),
    "office": _("Office and administration"),
    "retail": _("Shops and sales"),
    "agriculture": _("Agriculture and food"),
    "other": _("Other work"),
}

SKILLS: dict[str, Promise] = {
    "language_practice": _("Language practice"),
    "paperwork": _("Help with forms and letters"),
    "accompany": _("Going along to appointments"),
    "childcare": _("Childcare"),
    "tutoring": _("Homework help for children"),
    "interpreting": _("Interpreting"),
    "it_help": _("Help with phones and computers"),
    "moving": _("Help with moving"),
    "driving": _("Driving"),
    "cv_help": _("Help with a CV and job search"),
}


def choices(vocabulary: dict[str, Promise]) -> list[tuple[str, Promise]]:
    return list(vocabulary.items())
