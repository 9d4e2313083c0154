"""Findings and explanations in the reader's language: `explain(code, params)` turns any code the
housing rules (`rules.py`) or the matching (`candidates.py`) give into one whole sentence, numbers
included, through gettext. Every page that shows a finding or an explanation words it here.

To add a code: a function taking the params and returning the sentence, registered in `_WORDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from welcoming.matching import rules

Params = Mapping[str, Any]

# what each rule is about, as a heading on the pages that list findings
RULE_NAMES = {
    "occupancy": gettext_lazy("Enough room"),
    "affordability": gettext_lazy("Rent and income"),
    "building": gettext_lazy("Building safety"),
    "accessibility": gettext_lazy("Step-free access"),
    "pets": gettext_lazy("Pets"),
}

OUTCOME_NAMES = {
    rules.PASS: gettext_lazy("Passed"),
    rules.FLAG: gettext_lazy("To check"),
    rules.BLOCK: gettext_lazy("A problem"),
}


def money(value: Any) -> str:
    """950 -> "950", 2500 -> "2,500" (grouped as the language groups), 812.5 -> "812.50"."""
    number = float(value)
    return number_format(number, 0 if number.is_integer() else 2, force_grouping=True)


def whole(value: Any) -> str:
    return number_format(int(value), 0, force_grouping=True)


def day(value: Any) -> str:
    try:
        return date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


# -- occupancy


def _too_few_bedrooms(p: Params) -> str:
    return ngettext(
        "The household needs %(needed)s bedroom by the national occupancy standard; this flat has %(bedrooms)s.",
        "The household needs %(needed)s bedrooms by the national occupancy standard; this flat has %(bedrooms)s.",
        int(p["needed"]),
    ) % {"needed": whole(p["needed"]), "bedrooms": whole(p["bedrooms"])}


def _fits(p: Params) -> str:
    if int(p["needed"]) == 0:
        return ngettext(
            "A person alone may live in a studio by the national occupancy standard; this flat has %(bedrooms)s "
            "bedroom, which is enough.",
            "A person alone may live in a studio by the national occupancy standard; this flat has %(bedrooms)s "
            "bedrooms, which is enough.",
            int(p["bedrooms"]),
        ) % {"bedrooms": whole(p["bedrooms"])}
    return ngettext(
        "The household needs %(needed)s bedroom by the national occupancy standard; this flat has %(bedrooms)s, "
        "which is enough.",
        "The household needs %(needed)s bedrooms by the national occupancy standard; this flat has %(bedrooms)s, "
        "which is enough.",
        int(p["needed"]),
    ) % {"needed": whole(p["needed"]), "bedrooms": whole(p["bedrooms"])}


def _under_used(p: Params) -> str:
    return ngettext(
        "The household needs %(needed)s bedroom by the national occupancy standard; this flat has %(bedrooms)s, "
        "%(extra)s more than needed, so a larger family might need it more.",
        "The household needs %(needed)s bedrooms by the national occupancy standard; this flat has %(bedrooms)s, "
        "%(extra)s more than needed, so a larger family might need it more.",
        int(p["needed"]),
    ) % {"needed": whole(p["needed"]), "bedrooms": whole(p["bedrooms"]), "extra": whole(p["extra"])}


def _depends_on_children(p: Params) -> str:
    return ngettext(
        "The household needs %(fewest)s to %(needed)s bedroom by the national occupancy standard, depending on "
        "which children may share a room (two children of the same sex may, and so may a girl and a boy under 5); "
        "this flat has %(bedrooms)s.",
        "The household needs %(fewest)s to %(needed)s bedrooms by the national occupancy standard, depending on "
        "which children may share a room (two children of the same sex may, and so may a girl and a boy under 5); "
        "this flat has %(bedrooms)s.",
        int(p["needed"]),
    ) % {"bedrooms": whole(p["bedrooms"]), "fewest": whole(p["fewest"]), "needed": whole(p["needed"])}


def _bedrooms_unknown(p: Params) -> str:
    return ngettext(
        "The household needs %(needed)s bedroom by the national occupancy standard; we do not know how many "
        "this flat has.",
        "The household needs %(needed)s bedrooms by the national occupancy standard; we do not know how many "
        "this flat has.",
        int(p["needed"]),
    ) % {"needed": whole(p["needed"])}


def _too_few_beds(p: Params) -> str:
    return ngettext(
        "The household has %(people)s person and needs a bed each; this room has %(beds)s.",
        "The household has %(people)s people and needs a bed each; this room has %(beds)s.",
        int(p["people"]),
    ) % {"people": whole(p["people"]), "beds": whole(p["beds"])}


def _beds_fit(p: Params) -> str:
    return ngettext(
        "The household has %(people)s person and needs a bed each; this room has %(beds)s, which is enough.",
        "The household has %(people)s people and needs a bed each; this room has %(beds)s, which is enough.",
        int(p["people"]),
    ) % {"people": whole(p["people"]), "beds": whole(p["beds"])}


def _beds_unknown(p: Params) -> str:
    return ngettext(
        "The household has %(people)s person and needs a bed each; we do not know how many beds this room has.",
        "The household has %(people)s people and needs a bed each; we do not know how many beds this room has.",
        int(p["people"]),
    ) % {"people": whole(p["people"])}


# -- affordability


def _over(p: Params) -> str:
    return _(
        "Rent %(rent)s is %(share)s %% of the household's income of %(income)s; the city's limit is %(limit)s %%."
    ) % {"rent": money(p["rent"]), "share": whole(p["share"]), "income": money(p["income"]), "limit": whole(p["limit"])}


def _within(p: Params) -> str:
    return _(
        "Rent %(rent)s is %(share)s %% of the household's income of %(income)s, within the city's limit of "
        "%(limit)s %%."
    ) % {"rent": money(p["rent"]), "share": whole(p["share"]), "income": money(p["income"]), "limit": whole(p["limit"])}


def _income_unknown(p: Params) -> str:
    return _(
        "Income unknown: without it we cannot tell whether a rent of %(rent)s stays within the city's limit of "
        "%(limit)s %% of income."
    ) % {"rent": money(p["rent"]), "limit": whole(p["limit"])}


def _no_income(p: Params) -> str:
    return _("The household has no income to pay a rent of %(rent)s; ask about housing benefits before taking it.") % {
        "rent": money(p["rent"])
    }


def _rent_unknown(p: Params) -> str:
    return _("We do not know the rent, so we cannot tell whether it stays within %(limit)s %% of income.") % {
        "limit": whole(p["limit"])
    }


# -- building safety

_ISSUE_SENTENCES = {
    "bedbugs": gettext_lazy(
        "The city's register shows bedbugs in this building, reported on %(since)s and not resolved."
    ),
    "pests": gettext_lazy(
        "The city's register shows pests (such as mice, rats or cockroaches) in this building, reported on "
        "%(since)s and not resolved."
    ),
    "mould": gettext_lazy(
        "The city's register shows mould or damp in this building, reported on %(since)s and not resolved."
    ),
    "fire": gettext_lazy(
        "The city's register shows a fire safety problem in this building, reported on %(since)s and not resolved."
    ),
    "heating": gettext_lazy(
        "The city's register shows a heating or water problem in this building, reported on %(since)s and not resolved."
    ),
    "structure": gettext_lazy(
        "The city's register shows a structural safety problem in this building, reported on %(since)s and not "
        "resolved."
    ),
    "other": gettext_lazy(
        "The city's register shows an inspection issue in this building, reported on %(since)s and not resolved."
    ),
}


# the public page says only which kinds of issue are open, not since when
_ISSUE_SENTENCES_UNDATED = {
    "bedbugs": gettext_lazy("The city's register shows bedbugs in this building, not yet resolved."),
    "pests": gettext_lazy(
        "The city's register shows pests (such as mice, rats or cockroaches) in this building, not yet resolved."
    ),
    "mould": gettext_lazy("The city's register shows mould or damp in this building, not yet resolved."),
    "fire": gettext_lazy("The city's register shows a fire safety problem in this building, not yet resolved."),
    "heating": gettext_lazy("The city's register shows a heating or water problem in this building, not yet resolved."),
    "structure": gettext_lazy(
        "The city's register shows a structural safety problem in this building, not yet resolved."
    ),
    "other": gettext_lazy("The city's register shows an inspection issue in this building, not yet resolved."),
}


def _open_issue(p: Params) -> str:
    kind = str(p.get("kind"))
    if "since" not in p:
        return str(_ISSUE_SENTENCES_UNDATED.get(kind, _ISSUE_SENTENCES_UNDATED["other"]))
    sentence = _ISSUE_SENTENCES.get(kind, _ISSUE_SENTENCES["other"])
    return str(sentence) % {"since": day(p["since"])}


# -- accessibility


def _no_lift(p: Params) -> str:
    if int(p["floor"]) < 0:
        return _("The flat is below the ground floor and the building has no lift.")
    return _("The flat is on floor %(floor)s and the building has no lift.") % {"floor": whole(p["floor"])}


def _lift_unknown(p: Params) -> str:
    if int(p["floor"]) < 0:
        return _("The flat is below the ground floor and we do not know whether there is a lift.")
    return _("The flat is on floor %(floor)s and we do not know whether there is a lift.") % {
        "floor": whole(p["floor"])
    }


_WORDS: dict[str, Callable[[Params], str]] = {
    "occupancy.too_few_bedrooms": _too_few_bedrooms,
    "occupancy.fits": _fits,
    "occupancy.under_used": _under_used,
    "occupancy.depends_on_children": _depends_on_children,
    "occupancy.bedrooms_unknown": _bedrooms_unknown,
    "occupancy.too_few_beds": _too_few_beds,
    "occupancy.beds_fit": _beds_fit,
    "occupancy.beds_unknown": _beds_unknown,
    "affordability.over": _over,
    "affordability.within": _within,
    "affordability.income_unknown": _income_unknown,
    "affordability.no_income": _no_income,
    "affordability.rent_unknown": _rent_unknown,
    "affordability.no_rent": lambda p: _("There is no rent to pay."),
    "building.open_issue": _open_issue,
    "building.no_open_issues": lambda p: _("The city's register shows no open inspection issue for this building."),
    "building.no_address": lambda p: _(
        "Without the address we could not look the building up in the city's register of inspection issues."
    ),
    "accessibility.not_needed": lambda p: _("Nobody in the household needs step-free access."),
    "accessibility.not_step_free": lambda p: _(
        "Someone in the household cannot use stairs, and this flat is not step-free from the street to the door "
        "and inside."
    ),
    "accessibility.no_lift": _no_lift,
    "accessibility.lift_unknown": _lift_unknown,
    "accessibility.floor_unknown": lambda p: _(
        "Someone in the household cannot use stairs, and we do not know which floor the flat is on."
    ),
    "accessibility.step_free": lambda p: _("The flat can be reached and lived in without stairs."),
    "pets.none": lambda p: _("The household has no pets."),
    "pets.not_allowed": lambda p: _("The household has pets, and this flat does not allow them."),
    "pets.unknown": lambda p: _("The household has pets, and we do not know whether this flat allows them."),
    "pets.allowed": lambda p: _("The household has pets, and this flat allows them."),
}


# -- the matching's criteria (`scoring.py`, explained by `candidates.explanation`): each says the
# points a criterion gave a proposal and the facts behind them


def _points(p: Params) -> str:
    return number_format(float(p["points"]), 1)


def _km(p: Params) -> str:
    return number_format(float(p["km"]), 1)


def _criterion_waiting(p: Params) -> str:
    return ngettext(
        "She has waited %(days)s day: %(points)s points.",
        "She has waited %(days)s days: %(points)s points.",
        int(p["days"]),
    ) % {"days": whole(p["days"]), "points": _points(p)}


def _criterion_school(p: Params) -> str:
    if p.get("km") is None:
        return _(
            "No school neighbourhood was given, so the school counts as neither near nor far: %(points)s points."
        ) % {"points": _points(p)}
    return _("It is %(km)s km from the neighbourhood of the children's school: %(points)s points.") % {
        "km": _km(p),
        "points": _points(p),
    }


def _criterion_work(p: Params) -> str:
    if p.get("km") is None:
        return _("No place of work was given, so work counts as neither near nor far: %(points)s points.") % {
            "points": _points(p)
        }
    return _("It is %(km)s km from the neighbourhood where she works: %(points)s points.") % {
        "km": _km(p),
        "points": _points(p),
    }


def _criterion_services(p: Params) -> str:
    if p.get("km") is None:
        return _(
            "She named no neighbourhood she prefers, so her usual places count as neither near nor far: "
            "%(points)s points."
        ) % {"points": _points(p)}
    return _("It is %(km)s km from the nearest neighbourhood she prefers: %(points)s points.") % {
        "km": _km(p),
        "points": _points(p),
    }


def _criterion_distance(p: Params) -> str:
    if p.get("km") is None:
        return _("We do not know both places, so the distance counts as neither near nor far: %(points)s points.") % {
            "points": _points(p)
        }
    return _("It is %(km)s km from the nearest neighbourhood she named: %(points)s points.") % {
        "km": _km(p),
        "points": _points(p),
    }


def _language_name(code: str) -> str:
    from django.utils.translation import get_language

    from welcoming.triage.wording import language_name

    return language_name(code, get_language() or "en") if code else ""


def _criterion_language(p: Params) -> str:
    how, points = p.get("how"), _points(p)
    language = _language_name(str(p.get("language") or ""))
    if how == "first":
        return _("They speak her first language, %(language)s: %(points)s points.") % {
            "language": language,
            "points": points,
        }
    if how == "other":
        return _("They speak %(language)s, one of her languages: %(points)s points.") % {
            "language": language,
            "points": points,
        }
    if how == "none":
        return _("They speak none of her languages: %(points)s points.") % {"points": points}
    if how == "community":
        if p.get("people") is None:
            return _(
                "Few of the city's newcomers living in this neighbourhood speak %(language)s: %(points)s points."
            ) % {"language": language, "points": points}
        return ngettext(
            "%(people)s of the city's newcomers living in this neighbourhood speaks %(language)s: %(points)s points.",
            "%(people)s of the city's newcomers living in this neighbourhood speak %(language)s: %(points)s points.",
            int(p["people"]),
        ) % {"people": whole(p["people"]), "language": language, "points": points}
    return _(
        "We do not know enough about languages here, so they count as neither good nor bad: %(points)s points."
    ) % {"points": points}


def _criterion_preferences(p: Params) -> str:
    sentences = []
    if p.get("area") == "preferred":
        sentences.append(_("It is in a neighbourhood she prefers."))
    elif p.get("area") == "other":
        sentences.append(_("It is not in a neighbourhood she prefers."))
    if p.get("rent") is not None and p.get("max_rent") is not None:
        values = {"rent": money(p["rent"]), "max_rent": money(p["max_rent"])}
        if float(p["rent"]) <= float(p["max_rent"]):
            sentences.append(_("The rent of %(rent)s is within the %(max_rent)s she can pay.") % values)
        else:
            sentences.append(_("The rent of %(rent)s is above the %(max_rent)s she can pay.") % values)
    sentences.append(_("Her preferences: %(points)s points.") % {"points": _points(p)})
    return " ".join(sentences)


_CONDITION_FIT = {
    "new": gettext_lazy("It is new: %(points)s points."),
    "good": gettext_lazy("It is in good condition: %(points)s points."),
    "used": gettext_lazy("It is used but working: %(points)s points."),
}


def _criterion_fit(p: Params) -> str:
    kind, points = p.get("kind"), _points(p)
    if kind == "housing":
        if p.get("bedrooms") is None:
            return _("We do not know how many bedrooms it has: %(points)s points.") % {"points": points}
        values = {"bedrooms": whole(p["bedrooms"]), "needed": whole(p["needed"]), "points": points}
        extra = int(p["bedrooms"]) - int(p["needed"])
        if extra == 0 and int(p["bedrooms"]) == 0:
            return _("It is a studio, which is enough for a person alone: %(points)s points.") % values
        if extra == 0:
            return (
                ngettext(
                    "It has %(bedrooms)s bedroom, exactly as many as the household needs: %(points)s points.",
                    "It has %(bedrooms)s bedrooms, exactly as many as the household needs: %(points)s points.",
                    int(p["bedrooms"]),
                )
                % values
            )
        if extra > 0:
            return ngettext(
                "It has %(bedrooms)s bedroom, %(extra)s more than the household needs: %(points)s points.",
                "It has %(bedrooms)s bedrooms, %(extra)s more than the household needs: %(points)s points.",
                int(p["bedrooms"]),
            ) % {**values, "extra": whole(extra)}
        return (
            ngettext(
                "It has %(bedrooms)s bedroom, fewer than the %(needed)s the household needs: %(points)s points.",
                "It has %(bedrooms)s bedrooms, fewer than the %(needed)s the household needs: %(points)s points.",
                int(p["bedrooms"]),
            )
            % values
        )
    if kind == "host_room":
        if p.get("beds") is None:
            return _("We do not know how many beds the room has: %(points)s points.") % {"points": points}
        return ngettext(
            "The room has %(beds)s bed for a household of %(people)s: %(points)s points.",
            "The room has %(beds)s beds for a household of %(people)s: %(points)s points.",
            int(p["beds"]),
        ) % {"beds": whole(p["beds"]), "people": whole(p["people"]), "points": points}
    if kind == "goods":
        sentence = _CONDITION_FIT.get(str(p.get("condition")))
        if sentence is None:
            return _("We do not know its condition: %(points)s points.") % {"points": points}
        return str(sentence) % {"points": points}
    if kind == "mentoring":
        return _("The mentor's profession, %(profession)s, is %(likeness)s %% alike to hers: %(points)s points.") % {
            "profession": p.get("profession") or "—",
            "likeness": whole(p["likeness"]),
            "points": points,
        }
    if kind == "job":
        values = {"likeness": whole(p["likeness"]), "points": points}
        if p.get("same"):
            return (
                _(
                    "The work is in the sector she looks for, and its profession is %(likeness)s %% alike to hers: "
                    "%(points)s points."
                )
                % values
            )
        return (
            _("The employer named no sector; the profession is %(likeness)s %% alike to hers: %(points)s points.")
            % values
        )
    if kind == "volunteer":
        from welcoming.community import vocab

        skills = [str(vocab.SKILLS.get(skill, skill)) for skill in p.get("skills") or ()]
        if not skills:
            return _("She asked for no help in particular: %(points)s points.") % {"points": points}
        return _("The volunteer offers the help she asked for: %(skills)s. %(points)s points.") % {
            "skills": ", ".join(skills),
            "points": points,
        }
    return _("How well it fits: %(points)s points.") % {"points": points}


_WORDS.update(
    {
        "criterion.waiting": _criterion_waiting,
        "criterion.school": _criterion_school,
        "criterion.work": _criterion_work,
        "criterion.services": _criterion_services,
        "criterion.distance": _criterion_distance,
        "criterion.language": _criterion_language,
        "criterion.preferences": _criterion_preferences,
        "criterion.fit": _criterion_fit,
    }
)


def explain(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence for `code` in the active language. An unknown code, or params that do not fit it,
    give a neutral sentence rather than an error, so that an old stored explanation never breaks a page."""
    words = _WORDS.get(code)
    if words is None:
        return _("A detail we cannot describe yet (%(code)s).") % {"code": code}
    try:
        return words(params or {})
    except (KeyError, TypeError, ValueError):
        return _("A detail we cannot describe yet (%(code)s).") % {"code": code}


def known(code: str) -> bool:
    return code in _WORDS


# what to do next, for a finding that is not a pass
_NEXT: dict[str, Any] = {
    "occupancy.too_few_bedrooms": gettext_lazy(
        "Look for a flat with more bedrooms, or ask a housing worker whether this one could still be right for you."
    ),
    "occupancy.too_few_beds": gettext_lazy("Ask the host whether more beds can be added, or look for a bigger room."),
    "occupancy.under_used": gettext_lazy(
        "You may take it, but a housing worker may ask whether a smaller flat would suit you as well."
    ),
    "occupancy.bedrooms_unknown": gettext_lazy("Ask the landlord how many bedrooms the flat has."),
    "occupancy.depends_on_children": gettext_lazy(
        "Tell a housing worker which of the children can share a bedroom, so that they can say whether this "
        "flat is big enough."
    ),
    "occupancy.beds_unknown": gettext_lazy("Ask the host how many beds there are for you."),
    "affordability.over": gettext_lazy(
        "Before you sign, ask a housing worker about rent supplements and housing benefits, or look for a lower rent."
    ),
    "affordability.no_income": gettext_lazy(
        "Ask a housing worker about income support and housing benefits before you sign."
    ),
    "affordability.income_unknown": gettext_lazy(
        "Add the household's income to see whether the rent is within the limit."
    ),
    "affordability.rent_unknown": gettext_lazy(
        "Ask the landlord for the rent, with what it includes (heating, water)."
    ),
    "building.open_issue": gettext_lazy(
        "Ask the landlord in writing whether the problem has been treated, and talk to a housing worker before "
        "you sign."
    ),
    "building.no_address": gettext_lazy("Give the building's address to check it against the city's register."),
    "accessibility.not_step_free": gettext_lazy(
        "Look for a step-free flat, or ask a housing worker about adapted housing."
    ),
    "accessibility.no_lift": gettext_lazy(
        "Look for a flat on the ground floor or in a building with a lift, or ask a housing worker about adapted "
        "housing."
    ),
    "accessibility.lift_unknown": gettext_lazy("Ask the landlord whether the building has a lift that works."),
    "accessibility.floor_unknown": gettext_lazy(
        "Ask the landlord which floor the flat is on and whether there is a lift."
    ),
    "pets.not_allowed": gettext_lazy(
        "Ask the landlord in writing whether your pets may come, or look for a flat that allows pets."
    ),
    "pets.unknown": gettext_lazy("Ask the landlord in writing whether pets are allowed."),
}


def next_step(code: str) -> str:
    """What she can do about a finding that flags or blocks; empty when there is nothing to do."""
    step = _NEXT.get(code)
    return str(step) if step is not None else ""


ISSUE_KINDS = {
    "pests": gettext_lazy("pests"),
    "bedbugs": gettext_lazy("bedbugs"),
    "mould": gettext_lazy("mould or damp"),
    "fire": gettext_lazy("fire safety"),
    "heating": gettext_lazy("heating or water"),
    "structure": gettext_lazy("structural safety"),
    "other": gettext_lazy("other issues"),
}


def issue_kind(kind: str) -> str:
    """A kind of building issue in lower case, for lists ("bedbugs, mould or damp")."""
    return str(ISSUE_KINDS.get(kind, ISSUE_KINDS["other"]))


def policy_lines(policy: rules.Policy) -> list[str]:
    """The city's housing rules in whole sentences, as the check pages show them."""
    lines: list[str] = []
    if policy.occupancy == rules.OFF:
        lines.append(_("The number of bedrooms is not checked."))
    else:
        if policy.occupancy == rules.BLOCK:
            lines.append(
                _(
                    "A flat with fewer bedrooms than the household needs by the national occupancy standard is "
                    "a problem."
                )
            )
        else:
            lines.append(
                _(
                    "A flat with fewer bedrooms than the household needs by the national occupancy standard is "
                    "checked by a housing worker."
                )
            )
        if policy.extra_bedrooms_flagged > 0:
            lines.append(
                ngettext(
                    "A flat with %(extra)s bedroom more than needed is checked by a housing worker, so that "
                    "larger families are not left without.",
                    "A flat with %(extra)s or more bedrooms than needed is checked by a housing worker, so that "
                    "larger families are not left without.",
                    policy.extra_bedrooms_flagged,
                )
                % {"extra": whole(policy.extra_bedrooms_flagged)}
            )
    limit = {"limit": whole(round(policy.affordability_share * 100))}
    if policy.affordability == rules.BLOCK:
        lines.append(_("Rent may be at most %(limit)s %% of the household's income.") % limit)
    elif policy.affordability == rules.FLAG:
        lines.append(_("A rent above %(limit)s %% of the household's income is checked by a housing worker.") % limit)
    else:
        lines.append(_("Rent is not compared with income."))
    blocking = [issue_kind(kind) for kind in ISSUE_KINDS if kind in policy.blocking_issues]
    if blocking:
        lines.append(
            _(
                "A building with open issues of these kinds in the city's register is a problem: %(kinds)s. Other "
                "open issues are checked by a housing worker."
            )
            % {"kinds": ", ".join(blocking)}
        )
    else:
        lines.append(_("Open issues in the city's building register are checked by a housing worker."))
    if policy.accessibility == rules.BLOCK:
        lines.append(
            _("For someone who cannot use stairs, a flat with steps, or upstairs without a lift, is a problem.")
        )
    elif policy.accessibility == rules.FLAG:
        lines.append(
            _(
                "For someone who cannot use stairs, a flat with steps, or upstairs without a lift, is checked by a "
                "housing worker."
            )
        )
    lines.append(_("A household with pets needs a flat that allows them."))
    return lines
