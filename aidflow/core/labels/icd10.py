"""ICD-10 chapters by the first letter of a code (the aid ledger keeps that letter): the WHO chapters
with their Chinese names (GB/T 14396). A letter spread over two chapters (D, H) names both."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (first code, last code, name): the 22 chapters of ICD-10.
CHAPTERS = (
    ("A00", "B99", _("Certain infectious and parasitic diseases")),
    ("C00", "D48", _("Neoplasms")),
    ("D50", "D89", _("Diseases of the blood and immune mechanism")),
    ("E00", "E90", _("Endocrine, nutritional and metabolic diseases")),
    ("F00", "F99", _("Mental and behavioural disorders")),
    ("G00", "G99", _("Diseases of the nervous system")),
    ("H00", "H59", _("Diseases of the eye and adnexa")),
    ("H60", "H95", _("Diseases of the ear and mastoid process")),
    ("I00", "I99", _("Diseases of the circulatory system")),
    ("J00", "J99", _("Diseases of the respiratory system")),
    ("K00", "K93", _("Diseases of the digestive system")),
    ("L00", "L99", _("Diseases of the skin and subcutaneous tissue")),
    ("M00", "M99", _("Diseases of the musculoskeletal system and connective tissue")),
    ("N00", "N99", _("Diseases of the genitourinary system")),
    ("O00", "O99", _("Pregnancy, childbirth and the puerperium")),
    ("P00", "P96", _("Certain conditions originating in the perinatal period")),
    ("Q00", "Q99", _("Congenital malformations and chromosomal abnormalities")),
    ("R00", "R99", _("Symptoms, signs and abnormal findings not elsewhere classified")),
    ("S00", "T98", _("Injury, poisoning and other consequences of external causes")),
    ("V01", "Y98", _("External causes of morbidity and mortality")),
    ("Z00", "Z99", _("Factors influencing health status and contact with health services")),
    ("U00", "U85", _("Codes for special purposes")),
)


def chapters_of_letter(letter: str) -> list[tuple[str, str, object]]:
    """The chapters whose codes begin with `letter` (one or two)."""
    letter = (letter or "").strip().upper()[:1]
    return [chapter for chapter in CHAPTERS if chapter[0][0] <= letter <= chapter[1][0]] if letter else []


def chapter_label(letter: str) -> str | None:
    """ "C00-D48 肿瘤" for C; "D00-D48 肿瘤；D50-D89 血液…" for D; None for a letter of no chapter."""
    letter = (letter or "").strip().upper()[:1]
    parts = []
    for first, last, name in chapters_of_letter(letter):
        # The part of the chapter's range this letter holds: D of C00-D48 is D00-D48.
        start = first if first[0] == letter else f"{letter}00"
        end = last if last[0] == letter else f"{letter}99"
        parts.append(f"{start}-{end} {name}")
    return "；".join(parts) or None
