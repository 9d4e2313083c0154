"""The need categories of the triage, with their names in the six languages.

The directory maps them to taxonomy terms (`TaxonomyTerm.need`); the demo city creates one term
per need in its "Welcoming needs" taxonomy and tags every service with its needs.
"""

from __future__ import annotations

NEED_SLUGS: tuple[str, ...] = (
    "housing",
    "food",
    "health",
    "mental-health",
    "language",
    "employment",
    "education",
    "childcare",
    "legal",
    "documents",
    "financial",
    "transport",
    "community",
    "safety",
)

NEED_NAMES: dict[str, dict[str, str]] = {
    "housing": {"en": "Housing", "fr": "Logement", "ar": "السكن", "uk": "Житло", "es": "Vivienda", "fa": "مسکن"},
    "food": {"en": "Food", "fr": "Alimentation", "ar": "الطعام", "uk": "Харчування", "es": "Alimentos", "fa": "غذا"},
    "health": {"en": "Health", "fr": "Santé", "ar": "الصحة", "uk": "Здоровʼя", "es": "Salud", "fa": "سلامت"},
    "mental-health": {
        "en": "Mental health",
        "fr": "Santé mentale",
        "ar": "الصحة النفسية",
        "uk": "Психічне здоровʼя",
        "es": "Salud mental",
        "fa": "سلامت روان",
    },
    "language": {
        "en": "Language classes",
        "fr": "Cours de langue",
        "ar": "دروس اللغة",
        "uk": "Мовні курси",
        "es": "Clases de idioma",
        "fa": "کلاس زبان",
    },
    "employment": {"en": "Work", "fr": "Emploi", "ar": "العمل", "uk": "Робота", "es": "Empleo", "fa": "کار"},
    "education": {
        "en": "Education",
        "fr": "Éducation",
        "ar": "التعليم",
        "uk": "Освіта",
        "es": "Educación",
        "fa": "آموزش",
    },
    "childcare": {
        "en": "Childcare",
        "fr": "Garde d'enfants",
        "ar": "رعاية الأطفال",
        "uk": "Догляд за дітьми",
        "es": "Cuidado infantil",
        "fa": "نگهداری از کودک",
    },
    "legal": {
        "en": "Legal help",
        "fr": "Aide juridique",
        "ar": "المساعدة القانونية",
        "uk": "Юридична допомога",
        "es": "Ayuda legal",
        "fa": "کمک حقوقی",
    },
    "documents": {
        "en": "Documents and forms",
        "fr": "Documents et formulaires",
        "ar": "الوثائق والاستمارات",
        "uk": "Документи та бланки",
        "es": "Documentos y trámites",
        "fa": "مدارک و فرم‌ها",
    },
    "financial": {
        "en": "Money and benefits",
        "fr": "Argent et prestations",
        "ar": "المال والإعانات",
        "uk": "Гроші та виплати",
        "es": "Dinero y ayudas",
        "fa": "پول و کمک‌هزینه‌ها",
    },
    "transport": {
        "en": "Transport",
        "fr": "Transport",
        "ar": "المواصلات",
        "uk": "Транспорт",
        "es": "Transporte",
        "fa": "حمل‌ونقل",
    },
    "community": {
        "en": "Community and social life",
        "fr": "Vie communautaire",
        "ar": "المجتمع والحياة الاجتماعية",
        "uk": "Громада і спілкування",
        "es": "Comunidad y vida social",
        "fa": "جامعه و زندگی اجتماعی",
    },
    "safety": {
        "en": "Safety and protection",
        "fr": "Sécurité et protection",
        "ar": "الأمان والحماية",
        "uk": "Безпека та захист",
        "es": "Seguridad y protección",
        "fa": "امنیت و محافظت",
    },
}

assert tuple(NEED_NAMES) == NEED_SLUGS
