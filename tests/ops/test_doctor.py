"""`convflow doctor`, read by the operator it speaks to: each check, its verdict, what to do."""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.e2e.conftest import ROOT
from tests.notifications.conftest import Certificate, SmtpServers
from tests.notifications.conftest import certificate as certificate  # the fixture
from tests.notifications.helpers import authenticator, free_port
from tests.processes.mail import HoldingHandler
from workflow.cli import cli
from workflow.scheduler.listening import beyond_loopback


def doctor(env: dict[str, str], *args: str) -> tuple[int, list[dict[str, str]]]:
    result = CliRunner().invoke(cli, ["doctor", "--json", *args], env=env)
    return result.exit_code, json.loads(result.stdout)


def verdicts(findings: list[dict[str, str]]) -> dict[str, str]:
    """The worst verdict of each check."""
    order = {"ok": 0, "warn": 1, "fail": 2}
    worst: dict[str, str] = {}
    for finding in findings:
        check, verdict = finding["check"], finding["verdict"]
        if order[verdict] >= order[worst.get(check, "ok")]:
            worst[check] = verdict
    return worst


def test_a_healthy_installation_is_ok_everywhere(settings_env):
    code, findings = doctor({**settings_env, "CONVFLOW_HTTP_PORT": str(free_port())})

    assert code == 0
    assert set(verdicts(findings).values()) == {"ok"}
    assert {"settings", "database", "mail", "time zone", "holidays", "disk", "http"} <= {
        finding["check"] for finding in findings
    }


def test_a_missing_database_fails_and_says_to_run_init(tmp_path):
    env = {"CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/none.db", "CONVFLOW_MAIL_DIR": "m"}

    code, findings = doctor(env)

    assert code == 1
    [database] = [f for f in findings if f["check"] == "database"]
    assert database["verdict"] == "fail" and "convflow init" in database["fix"]
    assert not (tmp_path / "none.db").exists(), "the doctor changes nothing"


def test_an_unreachable_postgresql_fails_in_one_line_without_its_password(tmp_path):
    url = f"postgresql+psycopg://convflow:s3cret@127.0.0.1:{free_port()}/convflow"

    code, findings = doctor({"CONVFLOW_DATABASE_URL": url, "CONVFLOW_MAIL_DIR": str(tmp_path)})

    [database] = [f for f in findings if f["check"] == "database"]
    assert code == 1 and database["verdict"] == "fail"
    assert "s3cret" not in json.dumps(findings)
    assert "does not answer" in database["seen"] and "\n" not in database["seen"]


def test_the_smtp_server_is_greeted_not_mailed(settings_env):
    servers = SmtpServers()
    handler = HoldingHandler()
    server = servers.start(handler)
    try:
        env = {**settings_env, "CONVFLOW_SMTP_HOST": "127.0.0.1",
               "CONVFLOW_SMTP_PORT": str(server.port),
               "CONVFLOW_MAIL_FROM": "Métropole AMP <conventions@example.org>",
               "CONVFLOW_SERVICE_CONTACT": "conventions@example.org"}  # fmt: skip
        code, findings = doctor(env)
        anonymous = {k: v for k, v in env.items() if k != "CONVFLOW_SERVICE_CONTACT"}
        refused, without = doctor(anonymous)
    finally:
        servers.stop_all()

    [mail] = [f for f in findings if f["check"] == "mail"]
    assert mail["verdict"] == "ok" and f"127.0.0.1:{server.port}" in mail["seen"]
    assert handler.accepted == [], "EHLO only: nothing is sent"
    assert code == 0
    assert refused == 1 and verdicts(without)["settings"] == "fail"
    assert any("CONVFLOW_SERVICE_CONTACT" in f["seen"] for f in without)


def test_a_closed_smtp_port_fails_with_what_to_check(settings_env):
    env = {
        **settings_env,
        "CONVFLOW_SMTP_HOST": "127.0.0.1",
        "CONVFLOW_SMTP_PORT": str(free_port()),
    }

    code, findings = doctor(env)

    [mail] = [f for f in findings if f["check"] == "mail"]
    assert code == 1 and mail["verdict"] == "fail"
    assert "CONVFLOW_SMTP_HOST" in mail["fix"]


def test_a_taken_dashboard_port_is_a_warning(settings_env):
    with socket.socket() as holder:  # another program listening on the dashboard's port
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        _, findings = doctor({**settings_env, "CONVFLOW_HTTP_PORT": str(port)})

    assert verdicts(findings)["http"] == "warn"


def test_the_readable_report_names_each_check_and_the_fix(tmp_path):
    env = {"CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/none.db", "CONVFLOW_MAIL_DIR": "m"}

    result = CliRunner().invoke(cli, ["doctor"], env={**env, "CONVFLOW_LANGUAGE": "en"})

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("FAIL  database") for line in lines)
    assert any(f"{tmp_path}/none.db: no database at {tmp_path}/none.db" in line for line in lines)
    assert any("→ run `convflow init`" in line for line in lines)


def test_the_report_speaks_french_by_default(tmp_path):
    env = {"CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/none.db", "CONVFLOW_MAIL_DIR": "m"}

    result = CliRunner().invoke(cli, ["doctor"], env=env)

    lines = result.stdout.splitlines()
    assert any(line.startswith("FAIL  base de données") for line in lines)
    assert any(f"aucune base de données à {tmp_path}/none.db" in line for line in lines)
    assert any("→ lancez `convflow init` pour la créer ou la migrer" in line for line in lines)


def test_a_login_on_a_server_that_offers_none_fails_before_any_email_is_lost(settings_env):
    servers = SmtpServers()
    plain = servers.start(HoldingHandler())
    with_login = servers.start(HoldingHandler(), authenticator=authenticator,
                               auth_require_tls=False)  # fmt: skip
    login = {"CONVFLOW_SMTP_HOST": "127.0.0.1", "CONVFLOW_SMTP_USER": "convflow",
             "CONVFLOW_SMTP_PASSWORD": "s3cret"}  # fmt: skip
    try:
        refused, findings = doctor({**settings_env, **login, "CONVFLOW_SMTP_PORT": str(plain.port)})
        _, fine = doctor({**settings_env, **login,
                                 "CONVFLOW_SMTP_PORT": str(with_login.port)})  # fmt: skip
    finally:
        servers.stop_all()

    [mail] = [f for f in findings if f["check"] == "mail"]
    assert refused == 1 and mail["verdict"] == "fail"
    assert "offers no login (AUTH)" in mail["seen"] and "CONVFLOW_SMTP_USER" in mail["fix"]
    assert verdicts(fine)["mail"] == "ok", fine
    assert "s3cret" not in json.dumps([findings, fine])


def test_a_dashboard_host_that_is_not_this_machine_fails_and_names_the_setting(settings_env):
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: binding to it sends nothing.
    env = {**settings_env, "CONVFLOW_HTTP_HOST": "192.0.2.1", "CONVFLOW_HTTP_PORT": "18080"}

    code, findings = doctor(env)

    [http] = [f for f in findings if f["check"] == "http"]
    assert code == 1 and http["verdict"] == "fail"
    assert "192.0.2.1 is neither a known name nor an address of this machine" in http["seen"]
    assert "CONVFLOW_HTTP_HOST" in http["fix"]
    assert http["error"]["code"] == "http_host_not_local"


def test_a_dashboard_port_in_use_is_a_warning_a_running_service_explains(settings_env):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        port = str(holder.getsockname()[1])
        _, findings = doctor({**settings_env, "CONVFLOW_HTTP_PORT": port})
    finally:
        holder.close()

    [http] = [f for f in findings if f["check"] == "http"]
    assert http["verdict"] == "warn" and "already taken" in http["seen"]


def test_a_dashboard_listening_beyond_loopback_is_a_warning_saying_what_protects_it(settings_env):
    # Binding 0.0.0.0 is the doctor's own check (taken and let go at once): nothing listens.
    port = free_port()
    env = {**settings_env, "CONVFLOW_HTTP_HOST": "0.0.0.0", "CONVFLOW_HTTP_PORT": str(port)}

    code, findings = doctor(env)

    [free, exposed] = [f for f in findings if f["check"] == "http"]
    assert code == 0, "a warning, not a failure: a reverse proxy or a container may want it"
    assert free["verdict"] == "ok"
    assert exposed["verdict"] == "warn"
    assert exposed["seen"].startswith(f"0.0.0.0:{port} is beyond this machine's loopback")
    assert "/healthz and /readyz (open without a token)" in exposed["seen"]
    assert "every page and API route asks for a token (`convflow token`)" in exposed["fix"]
    assert "/metrics answers loopback clients only (CONVFLOW_METRICS_TOKEN unset)" in exposed["fix"]
    assert "put HTTPS in front" in exposed["fix"]
    assert "set CONVFLOW_HTTP_HOST=127.0.0.1" in exposed["fix"]


def test_beyond_loopback_with_a_metrics_token_says_metrics_ask_for_it_and_hides_it(settings_env):
    env = {**settings_env, "CONVFLOW_HTTP_HOST": "0.0.0.0", "CONVFLOW_HTTP_PORT": str(free_port()),
           "CONVFLOW_METRICS_TOKEN": "m3trics-s3cret"}  # fmt: skip

    _, findings = doctor(env)

    [exposed] = [f for f in findings if f["verdict"] == "warn" and f["check"] == "http"]
    assert "/metrics for CONVFLOW_METRICS_TOKEN" in exposed["fix"]
    assert "m3trics-s3cret" not in json.dumps(findings)


def test_the_warning_beyond_loopback_is_said_in_french_by_default(settings_env):
    env = {**settings_env, "CONVFLOW_HTTP_HOST": "0.0.0.0", "CONVFLOW_HTTP_PORT": str(free_port())}

    result = CliRunner().invoke(cli, ["doctor"], env=env)

    assert result.exit_code == 0
    assert "WARN  http" in result.stdout
    assert "est au-delà de la boucle locale de cette machine" in result.stdout
    assert "/metrics ne répond qu'aux clients de la boucle locale" in result.stdout


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_dashboard_on_loopback_gets_no_warning(settings_env, host):
    env = {**settings_env, "CONVFLOW_HTTP_HOST": host, "CONVFLOW_HTTP_PORT": str(free_port())}

    _, findings = doctor(env)

    assert [f["verdict"] for f in findings if f["check"] == "http"] == ["ok"]


@pytest.mark.parametrize(
    ("host", "beyond"),
    [("127.0.0.1", False), ("127.0.0.2", False), ("::1", False), ("::ffff:127.0.0.1", False),
     ("localhost", False), ("LocalHost", False),
     ("0.0.0.0", True), ("::", True), ("", True), ("192.0.2.10", True), ("fd00::2", True),
     ("::ffff:192.0.2.10", True), ("convflow.example.org", True)],
)  # fmt: skip
def test_which_dashboard_hosts_reach_beyond_loopback_is_read_from_the_setting(host, beyond):
    # Nothing is bound nor connected: the address is read as written (only localhost resolved).
    assert beyond_loopback(host) is beyond


def report(env: dict[str, str]) -> tuple[int, list[str]]:
    """The readable report, as the operator reads it (in French unless told otherwise)."""
    result = CliRunner().invoke(cli, ["doctor"], env=env)
    return result.exit_code, result.stdout.splitlines()


def test_a_closed_smtp_port_is_said_in_french_with_the_library_words_only_at_the_end(
    settings_env,
):
    port = free_port()
    env = {**settings_env, "CONVFLOW_SMTP_HOST": "127.0.0.1", "CONVFLOW_SMTP_PORT": str(port)}

    code, lines = report(env)

    [mail] = [line for line in lines if line.startswith("FAIL  courriels")]
    assert code == 1
    assert mail.endswith(
        f"SMTP 127.0.0.1:{port}\u00a0: connexion refusée, rien n'écoute sur ce port "
        "(ConnectionRefusedError: [Errno 111] Connection refused)"
    )
    _, findings = doctor(env)
    [found] = [f for f in findings if f["check"] == "mail"]
    assert found["error"]["code"] == "connection_refused"


@pytest.mark.parametrize(
    ("tls", "server", "seen", "fix"),
    [
        ("starttls", {}, "the server does not offer STARTTLS on that port",
         "set CONVFLOW_SMTP_TLS=tls if this port speaks TLS at once"),
        ("starttls", {"require_starttls": True}, "the server's certificate is not trusted by "
         "this machine (SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED]",
         "set CONVFLOW_SMTP_HOST to the name its certificate is made for, or have this machine "
         "trust the authority that signed it (the system's certificates, or SSL_CERT_FILE)"),
        ("tls", {}, "the server's certificate is not trusted by this machine",
         "or SSL_CERT_FILE"),
    ],
)  # fmt: skip
def test_a_tls_setting_the_server_does_not_match_fails_naming_the_setting_to_correct(
    settings_env: dict[str, str], certificate: Certificate, tls: str, server: dict[str, bool],
    seen: str, fix: str,
) -> None:  # fmt: skip
    """What delivery holds the emails for (never failing them), doctor says with its fix."""
    servers = SmtpServers()
    context = certificate.server_context()
    if tls == "tls":
        mail_server = servers.start(HoldingHandler(), ssl_context=context)
    elif server:
        mail_server = servers.start(HoldingHandler(), tls_context=context, **server)
    else:
        mail_server = servers.start(HoldingHandler())  # offers no STARTTLS
    env = {**settings_env, "CONVFLOW_SMTP_HOST": "127.0.0.1",
           "CONVFLOW_SMTP_PORT": str(mail_server.port), "CONVFLOW_SMTP_TLS": tls}  # fmt: skip
    try:
        code, findings = doctor(env)
    finally:
        servers.stop_all()

    [mail] = [f for f in findings if f["check"] == "mail"]
    assert code == 1 and mail["verdict"] == "fail", mail
    assert seen in mail["seen"] and fix in mail["fix"], mail


def test_tls_to_a_plain_smtp_server_says_it_speaks_tls_only_after_starttls(settings_env):
    servers = SmtpServers()
    plain = servers.start(HoldingHandler())
    env = {**settings_env, "CONVFLOW_SMTP_HOST": "127.0.0.1",
           "CONVFLOW_SMTP_PORT": str(plain.port), "CONVFLOW_SMTP_TLS": "tls"}  # fmt: skip
    try:
        code, lines = report(env)
    finally:
        servers.stop_all()

    at = next(n for n, line in enumerate(lines) if line.startswith("FAIL  courriels"))
    assert code == 1
    assert (
        f"SMTP 127.0.0.1:{plain.port}\u00a0: le serveur ne parle pas TLS sur ce port, ou seulement "
        "après STARTTLS (SSLError: [SSL: WRONG_VERSION_NUMBER]"
    ) in lines[at]
    assert "→ indiquez CONVFLOW_SMTP_TLS=starttls si le serveur propose STARTTLS" in lines[at + 1]


def test_a_missing_postgresql_database_is_named_once_and_the_fix_is_init(postgres_url):
    missing = postgres_url.rsplit("/", 1)[0] + "/convflow_doctor_no_such_db"

    code, lines = report({"CONVFLOW_DATABASE_URL": missing, "CONVFLOW_MAIL_DIR": "m"})

    [database] = [line for line in lines if line.startswith("FAIL  base de données")]
    assert code == 1 and database.count("convflow_doctor_no_such_db") == 2  # its URL, libpq's
    assert database.count("postgresql") == 1
    assert (
        "refuse la connexion\u00a0: cette base de données n'existe pas sur le serveur (FATAL:"
        in (database)
    )
    assert "connection failed" not in database
    assert lines[lines.index(database) + 1].endswith(
        "→ lancez `convflow init` pour la créer ou la migrer"
    )


def test_an_unreachable_postgresql_port_is_named_once_in_french(tmp_path):
    url = f"postgresql+psycopg://convflow@127.0.0.1:{free_port()}/convflow"

    code, lines = report({"CONVFLOW_DATABASE_URL": url, "CONVFLOW_MAIL_DIR": str(tmp_path)})

    [database] = [line for line in lines if line.startswith("FAIL  base de données")]
    assert code == 1 and database.count("127.0.0.1") == 1
    assert database.endswith(
        f"{url} ne répond pas\u00a0: connexion refusée, rien n'écoute sur ce port (Connection "
        f"refused)"
    )


def test_two_bad_settings_are_each_said_with_what_to_fix(settings_env):
    env = {**settings_env, "CONVFLOW_LOG_LEVEL": "verbose", "CONVFLOW_SMTP_TLS": "ssl",
           "CONVFLOW_HTTP_PORT": str(free_port())}  # fmt: skip

    code, findings = doctor(env)

    refused = [f for f in findings if f["check"] == "settings" and f["verdict"] == "fail"]
    assert code == 1
    assert [f["error"]["params"]["field"] for f in refused] == [
        "CONVFLOW_SMTP_TLS", "CONVFLOW_LOG_LEVEL"
    ]  # fmt: skip
    assert refused[0]["fix"] == (
        "give CONVFLOW_SMTP_TLS one of the values it takes, or unset it for its default (none)"
    )
    assert "unset it for its default (info)" in refused[1]["fix"]
    # the checks that do not read them are made all the same; mail, which does, is not
    worst = verdicts(findings)
    assert worst["database"] == worst["http"] == worst["disk"] == worst["time zone"] == "ok"
    [mail] = [f for f in findings if f["check"] == "mail"]
    assert mail["verdict"] == "warn"
    assert mail["seen"] == "not checked: CONVFLOW_SMTP_TLS could not be read"


def test_three_bad_settings_are_three_lines_in_french_and_the_other_checks_go_on(settings_env):
    env = {**settings_env, "CONVFLOW_LOG_LEVEL": "verbose", "CONVFLOW_SMTP_TLS": "ssl",
           "CONVFLOW_HTTP_PORT": "huit mille"}  # fmt: skip

    code, lines = report(env)

    refused = [line for line in lines if line.startswith("FAIL  réglages")]
    assert code == 1
    assert [line.split()[2] for line in refused] == [
        "CONVFLOW_SMTP_TLS", "CONVFLOW_LOG_LEVEL", "CONVFLOW_HTTP_PORT"
    ]  # fmt: skip
    assert any("«\u00a0huit mille\u00a0» n'est pas un nombre entier" in line for line in refused)
    assert any("→ donnez à CONVFLOW_LOG_LEVEL une valeur qu'il accepte" in line for line in lines)
    assert any(line.startswith("ok    base de données") for line in lines)
    assert any(line.startswith("ok    fuseau horaire") for line in lines)
    assert any(
        line.startswith("WARN  http") and "non vérifié\u00a0: CONVFLOW_HTTP_PORT" in line
        for line in lines
    )


def test_a_smtp_server_that_never_greets_is_said_not_to_answer_in_time(settings_env):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never says a word
    env = {**settings_env, "CONVFLOW_SMTP_HOST": "127.0.0.1",
           "CONVFLOW_SMTP_PORT": str(silent.getsockname()[1]), "CONVFLOW_SMTP_TIMEOUT": "1",
           "CONVFLOW_MAIL_FROM": "Métropole AMP <conventions@example.org>",
           "CONVFLOW_SERVICE_CONTACT": "conventions@example.org",
           "CONVFLOW_HTTP_PORT": str(free_port())}  # fmt: skip
    try:
        code, lines = report(env)
    finally:
        silent.close()

    [mail] = [line for line in lines if line.startswith("FAIL  courriels")]
    assert code == 1
    assert "pas de réponse à temps" in mail, mail
    assert "a fermé la connexion" not in mail


def test_a_mail_folder_that_is_a_file_is_said_to_be_no_folder(settings_env, tmp_path):
    a_file = tmp_path / "mail.txt"
    a_file.write_text("not a folder")
    env = {**settings_env, "CONVFLOW_MAIL_DIR": str(a_file), "CONVFLOW_HTTP_PORT": str(free_port())}

    code, lines = report(env)

    at = next(n for n, line in enumerate(lines) if line.startswith("FAIL  courriels"))
    assert code == 1
    assert f"{a_file} est un fichier, pas un dossier" in lines[at]
    assert "→ indiquez un dossier dans CONVFLOW_MAIL_DIR" in lines[at + 1]
    assert "accessible en écriture" not in "\n".join(lines)


@pytest.mark.postgres
def test_a_database_without_the_schema_is_named_once_after_the_checks_name(postgres_url):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"convflow_doctor_empty_{os.getpid()}"
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(make_url(postgres_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        code, lines = report({"CONVFLOW_DATABASE_URL": url, "CONVFLOW_MAIL_DIR": "m"})
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    [database] = [line for line in lines if line.startswith("FAIL  base de données")]
    assert code == 1
    assert database.count("base de données") == 1, database
    assert f"{name} n'a pas le schéma de convflow\u00a0; le code attend la révision 0" in database


def test_several_settings_not_read_are_said_in_the_plural(settings_env):
    env = {**settings_env, "CONVFLOW_SMTP_PORT": "vingt-cinq", "CONVFLOW_SMTP_TLS": "ssl",
           "CONVFLOW_HTTP_PORT": str(free_port())}  # fmt: skip

    code, lines = report(env)

    [mail] = [line for line in lines if line.startswith("WARN  courriels")]
    assert code == 1
    assert mail.endswith(
        "non vérifié\u00a0: les réglages CONVFLOW_SMTP_PORT, CONVFLOW_SMTP_TLS n'ont pas pu être "
        "lus"
    ), mail


# --- What an operator tester found doctor let pass, or said wrongly -------------------------

NBSP = "\u00a0"
EXAMPLE_ENV = ROOT / "examples" / "deploy" / "convflow.env"


def spaced(text: str) -> str:
    """French as the catalogue writes it (a no-break space before « : »), with plain spaces."""
    return text.replace(NBSP, " ")


def bare(tmp_path: Path) -> dict[str, str]:
    """Settings that need no database of the test's (a missing SQLite file is a FAIL of its
    own, beside what a test looks at)."""
    return {
        "CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/none.db",
        "CONVFLOW_MAIL_DIR": str(tmp_path / "mail"),
        "CONVFLOW_HTTP_PORT": str(free_port()),
    }


@pytest.mark.parametrize(
    ("given", "missing"),
    [("CONVFLOW_SMTP_PASSWORD", "CONVFLOW_SMTP_USER"),
     ("CONVFLOW_SMTP_USER", "CONVFLOW_SMTP_PASSWORD")],
)  # fmt: skip
def test_an_smtp_login_given_by_half_fails_naming_both_settings(tmp_path, given, missing):
    # serve and run-due crashed on it (ValueError from the SMTP sender), doctor said ok
    env = {**bare(tmp_path), "CONVFLOW_SMTP_HOST": "127.0.0.1", given: "bob-or-pw",
           "CONVFLOW_MAIL_FROM": "AMP <a@example.org>",
           "CONVFLOW_SERVICE_CONTACT": "a@example.org"}  # fmt: skip

    code, findings = doctor(env)

    [refused] = [f for f in findings if f["check"] == "settings" and f["verdict"] == "fail"]
    assert code == 1
    assert refused["error"]["code"] == "smtp_login_incomplete"
    assert refused["error"]["params"] == {"field": given, "missing": missing}
    assert (
        refused["seen"] == f"{given}: set without {missing}; an SMTP login needs both, or neither"
    )
    assert refused["fix"] == f"set {missing} too, or unset {given}: an SMTP login is both"
    [mail] = [f for f in findings if f["check"] == "mail"]
    assert mail["verdict"] == "warn" and mail["seen"] == f"not checked: {given} could not be read"
    assert "bob-or-pw" not in json.dumps(findings)


def test_an_smtp_login_given_by_half_in_the_settings_file_is_said_at_its_line(tmp_path):
    settings = tmp_path / "convflow.toml"
    settings.write_text('smtp_host = "127.0.0.1"\nsmtp_user = "bob"\n', encoding="utf-8")

    code, lines = report({**bare(tmp_path), "CONVFLOW_CONFIG": str(settings)})

    assert code == 1
    assert any(spaced(line).startswith(
        f"FAIL  réglages        {settings}, ligne 2 : smtp_user : réglé sans smtp_password ; "
        "une connexion SMTP demande les deux, ou aucun") for line in lines), lines  # fmt: skip
    assert any("→ réglez aussi smtp_password, ou retirez smtp_user" in line for line in lines)


def test_a_password_given_as_a_parameter_of_the_database_url_is_never_shown(tmp_path):
    # the service's log masked it already; config and doctor printed it in clear
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x?password=QuerySecret1"
    env = {**bare(tmp_path), "CONVFLOW_DATABASE_URL": url}

    shown = CliRunner().invoke(cli, ["config"], env=env)
    as_json = CliRunner().invoke(cli, ["config", "--json"], env=env)
    code, findings = doctor(env)
    checked = CliRunner().invoke(cli, ["doctor"], env=env)

    masked = (
        f"postgresql+psycopg://postgres@127.0.0.1:{url.split(':')[-1].split('/')[0]}/x?password=***"
    )
    for said in (shown.output, as_json.output, json.dumps(findings), checked.output):
        assert "QuerySecret1" not in said
    assert masked in shown.output and masked in checked.output
    [database] = [f for f in findings if f["check"] == "database"]
    assert code == 1 and database["seen"].startswith(f"{masked} does not answer")


def test_a_misspelt_variable_is_a_warning_of_the_report_naming_the_closest_setting(tmp_path):
    env = {**bare(tmp_path), "CONVFLOW_SMTP_PASSWRD": "x", "CONVFLOW_COLOUR": "blue"}

    _, findings = doctor(env)
    result = CliRunner().invoke(cli, ["doctor"], env=env)

    warned = [f for f in findings if f["check"] == "settings" and f["verdict"] == "warn"]
    assert [f["error"] for f in warned] == [
        {"code": "unknown_setting", "params": {"field": "CONVFLOW_COLOUR", "closest": None}},
        {"code": "unknown_setting",
         "params": {"field": "CONVFLOW_SMTP_PASSWRD", "closest": "CONVFLOW_SMTP_PASSWORD"}},
    ]  # fmt: skip
    assert warned[1]["seen"] == (
        "CONVFLOW_SMTP_PASSWRD: unknown setting; did you mean 'CONVFLOW_SMTP_PASSWORD'?"
    )
    assert warned[1]["fix"] == "convflow ignores it: rename it CONVFLOW_SMTP_PASSWORD, or remove it"
    lines = [spaced(line) for line in result.stdout.splitlines()]
    assert "WARN  réglages        CONVFLOW_SMTP_PASSWRD : réglage inconnu ; vouliez-vous dire " \
           "« CONVFLOW_SMTP_PASSWORD » ?" in lines, lines  # fmt: skip
    assert "CONVFLOW_SMTP_PASSWRD" not in result.stderr, "said once, in the report"


def _example_session_secret() -> str:
    """The session secret examples/deploy/convflow.env gives, to be replaced."""
    [line] = [line for line in EXAMPLE_ENV.read_text(encoding="utf-8").splitlines()
              if line.startswith("CONVFLOW_SESSION_SECRET=")]  # fmt: skip
    return line.partition("=")[2]


def test_an_example_secret_left_unchanged_fails_and_a_short_key_is_a_warning(tmp_path):
    example = _example_session_secret()
    env = {**bare(tmp_path), "CONVFLOW_SESSION_SECRET": example,
           "CONVFLOW_METRICS_TOKEN": "abc123", "CONVFLOW_SMTP_HOST": "127.0.0.1",
           "CONVFLOW_SMTP_USER": "convflow", "CONVFLOW_SMTP_PASSWORD": "CHANGE-ME",
           "CONVFLOW_DATABASE_URL":
               f"postgresql+psycopg://convflow:change_me@127.0.0.1:{free_port()}/x"}  # fmt: skip

    code, findings = doctor(env)

    said = {(f["verdict"], f["seen"].split()[0]): f for f in findings if f["check"] == "settings"}
    assert code == 1
    session = said["fail", "CONVFLOW_SESSION_SECRET"]
    assert session["seen"] == ("CONVFLOW_SESSION_SECRET is still an example's value "
                               "(CHANGE-ME...), known to anyone who read it")  # fmt: skip
    assert "at least 32 characters" in session["fix"] and "or unset it" in session["fix"]
    assert ("fail", "CONVFLOW_SMTP_PASSWORD") in said and ("fail", "CONVFLOW_DATABASE_URL") in said
    metrics = said["warn", "CONVFLOW_METRICS_TOKEN"]
    assert metrics["seen"] == ("CONVFLOW_METRICS_TOKEN has only 6 characters: a key this short "
                               "may be guessed")  # fmt: skip
    for secret in (example, "abc123", "change_me"):
        assert secret not in json.dumps(findings)


def test_random_secrets_of_a_fair_length_are_not_said(tmp_path):
    env = {**bare(tmp_path), "CONVFLOW_SESSION_SECRET": secrets.token_urlsafe(48),
           "CONVFLOW_METRICS_TOKEN": secrets.token_urlsafe(32)}  # fmt: skip

    _, findings = doctor(env)

    assert [f["verdict"] for f in findings if f["check"] == "settings"] == ["ok"]


def test_every_refused_key_of_a_settings_file_is_a_line_and_the_other_checks_go_on(tmp_path):
    # doctor stopped at the first (smtp_hots, without its suggestion) and dropped the database,
    # mail, disk and http checks
    settings = tmp_path / "bad.toml"
    settings.write_text('smtp_hots = "x"\nhttp_port = "abc"\nlog_levl = "x"\n', encoding="utf-8")

    env = {**bare(tmp_path), "CONVFLOW_CONFIG": str(settings)}
    del env["CONVFLOW_HTTP_PORT"]  # the file's is read

    code, findings = doctor(env)
    _, lines = report(env)

    refused = [f for f in findings if f["check"] == "settings" and f["verdict"] == "fail"]
    assert code == 1
    assert [(f["error"]["code"], f["error"]["params"]["field"], f["error"]["params"]["line"])
            for f in refused] == [("unknown_setting", "smtp_hots", 1),
                                  ("unknown_setting", "log_levl", 3),
                                  ("not_a_whole_number", "http_port", 2)]  # fmt: skip
    assert refused[0]["seen"] == f"{settings}, line 1: smtp_hots: unknown setting; did you mean " \
                                 "'smtp_host'?"  # fmt: skip
    assert refused[0]["fix"] == "rename smtp_hots to smtp_host, or remove it: it sets nothing"
    worst = verdicts(findings)
    assert worst["database"] == "fail" and worst["mail"] == worst["disk"] == "ok"
    [http] = [f for f in findings if f["check"] == "http"]
    assert http["verdict"] == "warn" and http["seen"] == "not checked: http_port could not be read"
    suggested = "smtp_hots : réglage inconnu ; vouliez-vous dire « smtp_host » ?"
    assert any(spaced(line).endswith(suggested) for line in lines), lines


def test_a_settings_file_that_cannot_be_read_leaves_each_check_said_not_made(tmp_path):
    settings = tmp_path / "bad.toml"
    settings.write_text('smtp_host = "x\n', encoding="utf-8")  # its quote never closed

    code, findings = doctor({**bare(tmp_path), "CONVFLOW_CONFIG": str(settings),
                             "CONVFLOW_SMTP_PASSWRD": "x"})  # fmt: skip

    assert code == 1
    assert [(f["check"], f["verdict"]) for f in findings] == [
        ("settings", "fail"), ("settings", "warn"), ("database", "warn"), ("mail", "warn"),
        ("time zone", "ok"), ("holidays", "ok"), ("disk", "warn"), ("http", "warn"),
    ]  # fmt: skip
    assert findings[0]["error"]["code"] == "toml_unterminated_string"
    assert findings[1]["error"]["params"]["closest"] == "CONVFLOW_SMTP_PASSWORD"
    assert {f["seen"] for f in findings if f["verdict"] == "warn"} - {findings[1]["seen"]} == {
        "not checked: the settings file could not be read"
    }


@pytest.mark.skipif(os.geteuid() != 0, reason="says what root checked: run as root")
def test_as_root_the_mail_folder_check_says_root_proves_nothing_of_the_service_user(tmp_path):
    # os.access answers yes to root everywhere: the folder was said fine for the service too
    _, findings = doctor(bare(tmp_path))

    [mail] = [f for f in findings if f["check"] == "mail"]
    assert mail["verdict"] == "ok"
    assert mail["seen"] == (
        f"no SMTP server: emails are written to {tmp_path / 'mail'} (checked as root, who may "
        "write anywhere: run `convflow doctor` as the service's user to check its rights)"
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="takes another user's identity: run as root")
def test_the_mail_folder_is_tried_by_writing_in_it_as_the_user_doctor_runs_as():
    # os.access asks about the real user (root) and its permission bits: a process running
    # as another user (its effective one) that may not write there was told it may
    from workflow.ops.doctor import check_mail
    from workflow.settings import load_settings

    nobody = pwd.getpwnam("nobody")
    folder = Path(tempfile.mkdtemp(prefix="convflow-doctor-"))  # root's, 0700
    folder.chmod(0o755)  # others may read it, not write in it
    settings = load_settings({"CONVFLOW_MAIL_DIR": str(folder / "mail")})
    try:
        os.seteuid(nobody.pw_uid)
        try:
            mail = check_mail(settings)
        finally:
            os.seteuid(0)
    finally:
        shutil.rmtree(folder)

    assert mail.verdict == "fail"
    assert dict(mail.values) == {"folder": folder / "mail", "user": "nobody", "place": folder,
                                 "reason": "Permission denied"}  # fmt: skip
    assert list(folder.parent.glob(".convflow-doctor-*")) == []
