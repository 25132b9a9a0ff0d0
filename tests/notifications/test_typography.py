"""French spacing in the emails (notifications.typography): a no-break space where a line must
not break, and nowhere a sign is no French punctuation."""

import pytest

from notifications.typography import (
    VERBATIM_END,
    VERBATIM_START,
    french_apostrophes,
    french_apostrophes_html,
    french_fragment,
    french_html,
    french_text,
)

NB = "\u00a0"
AP = "\u2019"


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("Objectif interne : 5 mars", f"Objectif interne{NB}: 5 mars"),
        ("à sa date ; sinon", f"à sa date{NB}; sinon"),
        ("Est-ce reçu ? Oui !", f"Est-ce reçu{NB}? Oui{NB}!"),
        ("le document « bilan 2025 »,", f"le document «{NB}bilan 2025{NB}»,"),
        ("Parties :\n- Métropole", f"Parties{NB}:\n- Métropole"),
        ("(toutes conventions) :", f"(toutes conventions){NB}:"),
        ("Erreur : total != 0", f"Erreur{NB}: total != 0"),
    ],
)
def test_a_plain_space_before_a_high_sign_or_inside_guillemets_becomes_a_no_break_one(
    written: str, sent: str
) -> None:
    assert french_text(written) == sent


@pytest.mark.parametrize(
    "written",
    [
        "Réunion à 14:05, salle 3",  # a time
        "https://convflow.example.org/conventions?page=2&tri=date",  # a URL and its query
        "voir convflow.example.org/conventions ?page=2",  # a query string after a space
        "assert total != 0",  # '!=' is no punctuation
        "Article 4\u202f; article 5",  # the narrow no-break space stays, never doubled
        f"Référence{NB}: AMP-CRPV-PACA-2025",  # a no-break space stays, never doubled
        ": au début d'une ligne",
    ],
)
def test_what_is_no_french_punctuation_or_already_spaced_stays_as_it_is(written: str) -> None:
    assert french_text(written) == written


def test_what_is_already_right_is_left_as_it_is() -> None:
    right = f"Article 4{NB}: la convention «{NB}x{NB}»\u202f; fin{NB}!"
    assert french_text(right) == right
    assert french_text(french_text("a : b « c »")) == french_text("a : b « c »")


def test_in_html_only_the_text_changes_never_a_tag_an_attribute_or_code() -> None:
    written = (
        '<p title="Objet : x ?">Suivre : <a href="https://x.org/?q=1 ;">lien</a> ; '
        "<code>convflow event X note=« a : b »</code> ?</p>"
        "<pre>x : y</pre><!-- a : b -->"
    )
    assert french_html(written) == (
        f'<p title="Objet : x ?">Suivre{NB}: <a href="https://x.org/?q=1 ;">lien</a>{NB}; '
        f"<code>convflow event X note=« a : b »</code>{NB}?</p>"
        "<pre>x : y</pre><!-- a : b -->"
    )


def test_in_html_the_space_and_its_sign_may_be_apart_across_inline_tags() -> None:
    assert french_html("<li><strong>AMP-X</strong> : compte rendu</li>") == (
        f"<li><strong>AMP-X</strong>{NB}: compte rendu</li>"
    )
    assert french_html("<p>« <em>bilan</em> »</p>") == f"<p>«{NB}<em>bilan</em>{NB}»</p>"
    assert french_html("<p>Parties\n: x</p>") == f"<p>Parties{NB}: x</p>"  # HTML wraps there


def test_in_html_a_sign_that_opens_a_block_is_left_alone() -> None:
    """A space between two cells or paragraphs is no space between two words."""
    written = "<td>Clause</td>\n<td>: sans objet</td><p>x</p> <p>» y</p>"
    assert french_html(written) == written


@pytest.mark.parametrize(
    ("piece", "said"),
    [
        # said after « champ inconnu »: its first space stands between two words
        (" ; vouliez-vous dire « x » ?", f"{NB}; vouliez-vous dire «{NB}x{NB}»{NB}?"),
        (" ; ", f"{NB}; "),  # parties joined by it
        ("« ", f"«{NB}"),  # a name comes after it
        (" » : rien", f"{NB}»{NB}: rien"),
    ],
)
def test_a_piece_said_between_other_words_has_words_on_both_sides(piece: str, said: str) -> None:
    assert french_fragment(piece) == said


@pytest.mark.parametrize("piece", [" ?page=2", "?", " — versé", f"{NB}; fin", "Objet "])
def test_a_piece_spaces_only_what_french_punctuation_spaces(piece: str) -> None:
    assert french_fragment(piece) == piece


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("l'avenant n° 1", f"l{AP}avenant n° 1"),
        ("Provence-Alpes-Côte d'Azur", f"Provence-Alpes-Côte d{AP}Azur"),
        ("Aujourd'hui, l'État et L'ÉQUIPE", f"Aujourd{AP}hui, l{AP}État et L{AP}ÉQUIPE"),
        ("Patrick O'Brien", f"Patrick O{AP}Brien"),
        ("à l'heure : 9 h", f"à l{AP}heure : 9 h"),  # spacing is french_text's
    ],
)
def test_a_straight_apostrophe_between_two_letters_becomes_the_typographic_one(
    written: str, sent: str
) -> None:
    assert french_apostrophes(written) == sent


@pytest.mark.parametrize(
    "written",
    [
        "Écrire à o'brien@example.org, 04 91 00 00 00",  # an address
        "<o'brien@example.org>",  # an address in angle brackets (a Message-ID's form too)
        "https://convflow.example.org/l'espace/conventions?q=l'avenant",  # a URL
        "voir www.example.org/l'avenant.",  # a URL without its scheme
        "la note 'provisoire'",  # quotes, not an apostrophe between two letters
        "5'30, l' avenant, 'a",  # no letter on one side
        f"l{AP}avenant",  # already typographic
    ],
)
def test_what_is_no_apostrophe_between_letters_of_prose_stays_as_written(written: str) -> None:
    assert french_apostrophes(written) == written


def test_a_value_marked_verbatim_keeps_its_apostrophes_and_loses_its_marks() -> None:
    written = f"Erreur l'a dit : {VERBATIM_START}User doesn't exist{VERBATIM_END}."
    assert french_apostrophes(written) == f"Erreur l{AP}a dit : User doesn't exist."


def test_in_html_the_text_gets_typographic_apostrophes_never_a_tag_code_or_address() -> None:
    written = (
        '<p title="l\'avenant">L&#39;avenant d\'Azur de <a href="https://x.org/l\'a?b=c&#39;d">'
        "https://x.org/l&#39;a</a> pour o&#39;brien@example.org : <code>it&#39;s</code> "
        "<pre>don't</pre><!-- l'avenant --><strong>O&#x27;Brien</strong> l&apos;a</p>"
    )
    assert french_html(french_apostrophes_html(written)) == (
        f'<p title="l\'avenant">L{AP}avenant d{AP}Azur de <a href="https://x.org/l\'a?b=c&#39;d">'
        f"https://x.org/l&#39;a</a> pour o&#39;brien@example.org{NB}: <code>it&#39;s</code> "
        f"<pre>don't</pre><!-- l'avenant --><strong>O{AP}Brien</strong> l{AP}a</p>"
    )


def test_the_spacing_itself_leaves_apostrophes_to_the_emails() -> None:
    """The letters and the command line's help use french_text, the dashboard's checks
    french_html: the apostrophes are the emails' (french_apostrophes…), applied by the renderer."""
    assert french_text("l'avenant") == "l'avenant"
    assert french_html("<p>l'avenant</p>") == "<p>l'avenant</p>"
