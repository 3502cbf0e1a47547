"""German sentence splitting and folding."""

import pytest

from assistant.german.text import fold, split_sentences


@pytest.mark.parametrize(
    "sentence",
    [
        "Die Stadt hat am 6. Juni 2024 z. B. ca. 75 Mio. € bereitgestellt.",
        "Gem. § 9 Abs. 2 TIntG bzw. Nr. 3 gilt das.",
        "Dr. Müller u. a. sprach i. V. m. § 25a AufenthG.",
        "Sind alle o. g. Sachverhalte mit ggf. weiteren Trägern abgestimmt?",
        "Die Sitzung am 15.4.21 im B2 war öffentlich.",
    ],
)
def test_administrative_abbreviations_do_not_end_a_sentence(sentence: str) -> None:
    assert split_sentences(f"{sentence} Danach folgt ein Satz.") == [sentence, "Danach folgt ein Satz."]


def test_fold_matches_ocr_without_umlauts() -> None:
    assert fold("Ausländerbehörde für Straße") == fold("Auslanderbehorde fur Strasse")
